// Cross-process memory: process_vm_readv/writev between our Buffers and a tracee.
#include "addon.h"

#include <sys/uio.h>

#include <string>
#include <vector>

namespace criu_ts {

// processVmReadv(pid, buf, bufOffset, remote: Float64Array [addr, len, addr, len, ...])
// -> bytes read. The caller sizes buf to hold every range; one local iovec keeps the
// ranges packed back to back.
static Napi::Value ReadV(const Napi::CallbackInfo& info) {
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
  size_t off = info[2].As<Napi::Number>().Uint32Value();
  Napi::Float64Array ranges = info[3].As<Napi::Float64Array>();
  size_t n = ranges.ElementLength() / 2;
  std::vector<struct iovec> remote(n);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    remote[i].iov_base = reinterpret_cast<void*>(static_cast<uintptr_t>(ranges[2 * i]));
    remote[i].iov_len = static_cast<size_t>(ranges[2 * i + 1]);
    total += remote[i].iov_len;
  }
  if (off > buf.Length() || total > buf.Length() - off) {
    Napi::RangeError::New(info.Env(), "processVmReadv: ranges exceed the buffer").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  size_t done = 0;
  // The kernel takes at most IOV_MAX (1024) iovecs per call.
  for (size_t i = 0; i < n; i += 1024) {
    size_t cnt = n - i < 1024 ? n - i : 1024;
    size_t want = 0;
    for (size_t j = i; j < i + cnt; j++) want += remote[j].iov_len;
    struct iovec local = {buf.Data() + off + done, want};
    ssize_t r = process_vm_readv(pid, &local, 1, remote.data() + i, cnt, 0);
    if (r < 0) return ThrowErrno(info.Env(), errno, "process_vm_readv(" + std::to_string(pid) + ")");
    done += static_cast<size_t>(r);
    if (static_cast<size_t>(r) < want) break;
  }
  return Napi::Number::New(info.Env(), static_cast<double>(done));
}
CRIU_TS_EXPORT("processVmReadv", ReadV);

// processVmWritev(pid, addr, buf) -> bytes written.
static Napi::Value WriteV(const Napi::CallbackInfo& info) {
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  uintptr_t addr = static_cast<uintptr_t>(info[1].As<Napi::Number>().Int64Value());
  Napi::Buffer<uint8_t> buf = info[2].As<Napi::Buffer<uint8_t>>();
  struct iovec local = {buf.Data(), buf.Length()};
  struct iovec remote = {reinterpret_cast<void*>(addr), buf.Length()};
  ssize_t r = process_vm_writev(pid, &local, 1, &remote, 1, 0);
  if (r < 0) return ThrowErrno(info.Env(), errno, "process_vm_writev(" + std::to_string(pid) + ")");
  return Napi::Number::New(info.Env(), static_cast<double>(r));
}
CRIU_TS_EXPORT("processVmWritev", WriteV);

}  // namespace criu_ts
