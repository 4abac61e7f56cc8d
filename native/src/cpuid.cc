// CPUID for the host's XSAVE layout (component offsets, CPUID leaf 0xD): the
// NT_X86_XSTATE register set uses the standard format, whose offsets the CPU defines.
#include "addon.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

namespace criu_ts {

// cpuidCount(leaf, subleaf) -> [eax, ebx, ecx, edx]
static Napi::Value CpuidCount(const Napi::CallbackInfo& info) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  __cpuid_count(info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Number>().Uint32Value(), a, b, c, d);
  Napi::Array out = Napi::Array::New(info.Env(), 4);
  out.Set(0u, Napi::Number::New(info.Env(), a));
  out.Set(1u, Napi::Number::New(info.Env(), b));
  out.Set(2u, Napi::Number::New(info.Env(), c));
  out.Set(3u, Napi::Number::New(info.Env(), d));
  return out;
}
CRIU_TS_EXPORT("cpuidCount", CpuidCount);

}  // namespace criu_ts
#endif
