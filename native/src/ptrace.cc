// ptrace(2) and waitpid(2): the tracer's primitives. Called synchronously on the JS main
// thread only (DESIGN.md §3: the thread that seized a tracee is the only one that may
// trace it). Register sets travel as raw Buffers; decoding them is arch/<arch>/regs.ts.
#include "addon.h"

#include <elf.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <string>

namespace criu_ts {

static std::string Call(const char* req, pid_t pid) { return std::string("ptrace(") + req + ", " + std::to_string(pid) + ")"; }

static pid_t PidArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// ptraceSeize(pid, options): PTRACE_SEIZE with PTRACE_O_* options.
static Napi::Value Seize(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  long opts = info[1].As<Napi::Number>().Int64Value();
  if (ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(opts)) < 0) return ThrowErrno(info.Env(), errno, Call("SEIZE", pid));
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("ptraceSeize", Seize);

static Napi::Value Interrupt(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  if (ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr) < 0) return ThrowErrno(info.Env(), errno, Call("INTERRUPT", pid));
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("ptraceInterrupt", Interrupt);

// Resumption requests taking a signal to deliver: CONT, SYSCALL, DETACH, LISTEN.
static Napi::Value Resume(const Napi::CallbackInfo& info, enum __ptrace_request req, const char* name) {
  pid_t pid = PidArg(info, 0);
  long sig = info.Length() > 1 ? info[1].As<Napi::Number>().Int32Value() : 0;
  if (ptrace(req, pid, nullptr, reinterpret_cast<void*>(sig)) < 0) return ThrowErrno(info.Env(), errno, Call(name, pid));
  return info.Env().Undefined();
}
static Napi::Value Cont(const Napi::CallbackInfo& info) { return Resume(info, PTRACE_CONT, "CONT"); }
static Napi::Value Syscall(const Napi::CallbackInfo& info) { return Resume(info, PTRACE_SYSCALL, "SYSCALL"); }
static Napi::Value Detach(const Napi::CallbackInfo& info) { return Resume(info, PTRACE_DETACH, "DETACH"); }
CRIU_TS_EXPORT("ptraceCont", Cont);
CRIU_TS_EXPORT("ptraceSyscall", Syscall);
CRIU_TS_EXPORT("ptraceDetach", Detach);

// ptraceGetRegset(pid, nt, maxSize) -> Buffer of the bytes the kernel filled.
static Napi::Value GetRegset(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  long nt = info[1].As<Napi::Number>().Int64Value();
  size_t max = info[2].As<Napi::Number>().Uint32Value();
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(info.Env(), max);
  struct iovec iov = {buf.Data(), max};
  if (ptrace(PTRACE_GETREGSET, pid, reinterpret_cast<void*>(nt), &iov) < 0)
    return ThrowErrno(info.Env(), errno, Call("GETREGSET", pid) + " nt=" + std::to_string(nt));
  return Napi::Buffer<uint8_t>::Copy(info.Env(), buf.Data(), iov.iov_len);
}
CRIU_TS_EXPORT("ptraceGetRegset", GetRegset);

static Napi::Value SetRegset(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  long nt = info[1].As<Napi::Number>().Int64Value();
  Napi::Buffer<uint8_t> buf = info[2].As<Napi::Buffer<uint8_t>>();
  struct iovec iov = {buf.Data(), buf.Length()};
  if (ptrace(PTRACE_SETREGSET, pid, reinterpret_cast<void*>(nt), &iov) < 0)
    return ThrowErrno(info.Env(), errno, Call("SETREGSET", pid) + " nt=" + std::to_string(nt));
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("ptraceSetRegset", SetRegset);

// ptracePeekSiginfo(pid, shared, off, n) -> Buffer of k*128 bytes (k <= n siginfos).
static Napi::Value PeekSiginfo(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  bool shared = info[1].As<Napi::Boolean>().Value();
  struct { uint64_t off; uint32_t flags; int32_t nr; } args = {
      static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value()), shared ? 1u : 0u,
      info[3].As<Napi::Number>().Int32Value()};
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(info.Env(), static_cast<size_t>(args.nr) * sizeof(siginfo_t));
  long n = ptrace(static_cast<enum __ptrace_request>(0x4209), pid, &args, buf.Data());
  if (n < 0) return ThrowErrno(info.Env(), errno, Call("PEEKSIGINFO", pid));
  return Napi::Buffer<uint8_t>::Copy(info.Env(), buf.Data(), static_cast<size_t>(n) * sizeof(siginfo_t));
}
CRIU_TS_EXPORT("ptracePeekSiginfo", PeekSiginfo);

static Napi::Value GetSigmask(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  uint64_t mask = 0;
  if (ptrace(static_cast<enum __ptrace_request>(0x420a), pid, reinterpret_cast<void*>(sizeof(mask)), &mask) < 0)
    return ThrowErrno(info.Env(), errno, Call("GETSIGMASK", pid));
  return Napi::BigInt::New(info.Env(), mask);
}
CRIU_TS_EXPORT("ptraceGetSigmask", GetSigmask);

static Napi::Value SetSigmask(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  bool lossless = true;
  uint64_t mask = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
  if (ptrace(static_cast<enum __ptrace_request>(0x420b), pid, reinterpret_cast<void*>(sizeof(mask)), &mask) < 0)
    return ThrowErrno(info.Env(), errno, Call("SETSIGMASK", pid));
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("ptraceSetSigmask", SetSigmask);

// ptraceGetRseqConfiguration(pid) -> Buffer of struct ptrace_rseq_configuration (32 bytes).
static Napi::Value GetRseqConfiguration(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  uint8_t conf[32] = {};
  long n = ptrace(static_cast<enum __ptrace_request>(0x420f), pid, reinterpret_cast<void*>(sizeof(conf)), conf);
  if (n < 0) return ThrowErrno(info.Env(), errno, Call("GET_RSEQ_CONFIGURATION", pid));
  return Napi::Buffer<uint8_t>::Copy(info.Env(), conf, static_cast<size_t>(n) < sizeof(conf) ? n : sizeof(conf));
}
CRIU_TS_EXPORT("ptraceGetRseqConfiguration", GetRseqConfiguration);

// ptraceSeccompGetFilter(pid, index) -> Buffer of struct sock_filter[] (index 0: the newest).
static Napi::Value SeccompGetFilter(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  long index = info[1].As<Napi::Number>().Int64Value();
  long n = ptrace(static_cast<enum __ptrace_request>(0x420c), pid, reinterpret_cast<void*>(index), nullptr);
  if (n < 0) return ThrowErrno(info.Env(), errno, Call("SECCOMP_GET_FILTER", pid));
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(info.Env(), static_cast<size_t>(n) * 8);
  if (ptrace(static_cast<enum __ptrace_request>(0x420c), pid, reinterpret_cast<void*>(index), buf.Data()) != n)
    return ThrowErrno(info.Env(), errno ? errno : EAGAIN, Call("SECCOMP_GET_FILTER", pid));
  return buf;
}
CRIU_TS_EXPORT("ptraceSeccompGetFilter", SeccompGetFilter);

// ptraceSeccompGetFlags(pid, index) -> the filter's SECCOMP_FILTER_FLAG_* (PTRACE_SECCOMP_GET_METADATA).
static Napi::Value SeccompGetFlags(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  uint64_t meta[2] = {static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value()), 0};
  if (ptrace(static_cast<enum __ptrace_request>(0x420d), pid, reinterpret_cast<void*>(sizeof(meta)), meta) < 0)
    return ThrowErrno(info.Env(), errno, Call("SECCOMP_GET_METADATA", pid));
  return Napi::Number::New(info.Env(), static_cast<double>(meta[1]));
}
CRIU_TS_EXPORT("ptraceSeccompGetFlags", SeccompGetFlags);

// waitpid(pid, options) -> [pid, rawStatus]; [0, 0] when WNOHANG found nothing.
// The status is decoded in TS (src/sys/ptrace.ts).
static Napi::Value WaitPid(const Napi::CallbackInfo& info) {
  pid_t pid = PidArg(info, 0);
  int opts = info[1].As<Napi::Number>().Int32Value();
  int status = 0;
  pid_t r;
  do r = waitpid(pid, &status, opts); while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(info.Env(), errno, "waitpid(" + std::to_string(pid) + ")");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), r));
  out.Set(1u, Napi::Number::New(info.Env(), status));
  return out;
}
CRIU_TS_EXPORT("waitpid", WaitPid);

}  // namespace criu_ts
