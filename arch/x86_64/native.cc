// x86_64's part of the addon: the thread pointer, CPUID (the XSAVE layout of
// NT_X86_XSTATE: the CPU defines its component offsets, leaf 0xD) and the TLS
// descriptors of GET_THREAD_AREA.
#include <cpuid.h>
#include <sys/ptrace.h>

#include <string>

#include "../../native/src/addon.h"
#include "../../native/src/arch-native.h"

namespace criu_ts {

void* ThreadPointer() { return __builtin_thread_pointer(); }

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

// ptraceGetThreadArea(pid, entry) -> Buffer of struct user_desc (16 bytes).
static Napi::Value GetThreadArea(const Napi::CallbackInfo& info) {
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  long entry = info[1].As<Napi::Number>().Int32Value();
  uint8_t desc[16] = {};
  if (ptrace(PTRACE_GET_THREAD_AREA, pid, reinterpret_cast<void*>(entry), desc) < 0)
    return ThrowErrno(info.Env(), errno, "ptrace(GET_THREAD_AREA, " + std::to_string(pid) + ")");
  return Napi::Buffer<uint8_t>::Copy(info.Env(), desc, sizeof(desc));
}
CRIU_TS_EXPORT("ptraceGetThreadArea", GetThreadArea);

}  // namespace criu_ts
