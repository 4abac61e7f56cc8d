// The dumper's end of the parasite channel: a listening AF_UNIX SOCK_SEQPACKET socket in
// the abstract namespace, and blocking packet I/O with a poll() deadline. Synchronous on
// purpose: the dump runs on the JS main thread, which owns the ptrace relation.
#include "addon.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

namespace criu_ts {

static int IntArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// seqpacketListen(abstractName) -> fd
static Napi::Value Listen(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (name.size() + 1 > sizeof(addr.sun_path)) return ThrowErrno(info.Env(), ENAMETOOLONG, "bind(@" + name + ")");
  memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
  socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + name.size();
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "socket(AF_UNIX)");
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), len) < 0 || listen(fd, 1) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(info.Env(), err, "bind/listen(@" + name + ")");
  }
  return Napi::Number::New(info.Env(), fd);
}
CRIU_TS_EXPORT("seqpacketListen", Listen);

// pollIn(fd, timeoutMs) -> true when fd is readable (or hung up) within the timeout.
static Napi::Value PollIn(const Napi::CallbackInfo& info) {
  struct pollfd p = {IntArg(info, 0), POLLIN, 0};
  int r;
  do r = poll(&p, 1, IntArg(info, 1)); while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(info.Env(), errno, "poll");
  return Napi::Boolean::New(info.Env(), r > 0);
}
CRIU_TS_EXPORT("pollIn", PollIn);

static Napi::Value Accept(const Napi::CallbackInfo& info) {
  int fd = accept4(IntArg(info, 0), nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "accept4");
  return Napi::Number::New(info.Env(), fd);
}
CRIU_TS_EXPORT("seqpacketAccept", Accept);

static Napi::Value Send(const Napi::CallbackInfo& info) {
  Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
  ssize_t n = send(IntArg(info, 0), buf.Data(), buf.Length(), MSG_NOSIGNAL);
  if (n < 0) return ThrowErrno(info.Env(), errno, "send");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}
CRIU_TS_EXPORT("seqpacketSend", Send);

// seqpacketRecv(fd, maxLen) -> Buffer (empty at end of stream).
static Napi::Value Recv(const Napi::CallbackInfo& info) {
  size_t max = info[1].As<Napi::Number>().Uint32Value();
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(info.Env(), max);
  ssize_t n;
  do n = recv(IntArg(info, 0), buf.Data(), max, 0); while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(info.Env(), errno, "recv");
  return Napi::Buffer<uint8_t>::Copy(info.Env(), buf.Data(), static_cast<size_t>(n));
}
CRIU_TS_EXPORT("seqpacketRecv", Recv);

}  // namespace criu_ts
