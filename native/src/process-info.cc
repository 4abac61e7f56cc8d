// Small process facts the TypeScript side cannot read from /proc alone.
#include "addon.h"

#include <unistd.h>

namespace criu_ts {

static Napi::Value PageSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(sysconf(_SC_PAGESIZE)));
}
CRIU_TS_EXPORT("pageSize", PageSize);

}  // namespace criu_ts
