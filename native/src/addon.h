// Shared plumbing of the criu-ts addon. Every binding file registers its functions
// with CRIU_TS_EXPORT; addon.cc collects them into the module's exports at load time.
#pragma once

#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace criu_ts {

using Binding = Napi::Value (*)(const Napi::CallbackInfo&);

// Records a binding under its JavaScript name; called from static initialisers.
int Register(const char* name, Binding fn);

// Throws a JS Error whose message reads "ENAME: call(args)" and that carries
// .errno (number), .code ("ENAME") and .syscall, like Node's own system errors.
Napi::Value ThrowErrno(Napi::Env env, int err, const std::string& call);

}  // namespace criu_ts

#define CRIU_TS_EXPORT(jsname, fn) \
  static const int criu_ts_reg_##fn = ::criu_ts::Register(jsname, fn)
