#include "addon.h"

#include <vector>
#include <utility>

namespace criu_ts {

std::vector<std::pair<const char*, Binding>>& Registry() {
  static std::vector<std::pair<const char*, Binding>> all;
  return all;
}

int Register(const char* name, Binding fn) {
  Registry().emplace_back(name, fn);
  return 0;
}

Napi::Value ThrowErrno(Napi::Env env, int err, const std::string& call) {
  const char* name = strerrorname_np(err);
  std::string code = name ? name : ("E" + std::to_string(err));
  Napi::Error e = Napi::Error::New(env, code + ": " + call + " (" + strerror(err) + ")");
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, code));
  e.Set("syscall", Napi::String::New(env, call));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace criu_ts

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  for (auto& [name, fn] : criu_ts::Registry()) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

NODE_API_MODULE(criu_ts, InitAddon)
