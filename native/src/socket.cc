// Socket syscalls on plain fds (Node's net module cannot adopt arbitrary sockets), and
// one sock_diag netlink exchange. Addresses travel as raw sockaddr Buffers built in TS.
#include "addon.h"

#include <linux/filter.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace criu_ts {

static int IntArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }
static Napi::Buffer<uint8_t> BufArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Buffer<uint8_t>>(); }
static std::string Fd(int fd) { return std::to_string(fd); }

static Napi::Value Socket(const Napi::CallbackInfo& info) {
  int domain = IntArg(info, 0), type = IntArg(info, 1), proto = IntArg(info, 2);
  int fd = socket(domain, type, proto);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "socket(" + std::to_string(domain) + ", " + std::to_string(type) + ")");
  return Napi::Number::New(info.Env(), fd);
}
CRIU_TS_EXPORT("socket", Socket);

// socketpair(domain, type) -> [fd0, fd1]
static Napi::Value Socketpair(const Napi::CallbackInfo& info) {
  int fds[2];
  if (socketpair(IntArg(info, 0), IntArg(info, 1), 0, fds) < 0) return ThrowErrno(info.Env(), errno, "socketpair");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), fds[0]));
  out.Set(1u, Napi::Number::New(info.Env(), fds[1]));
  return out;
}
CRIU_TS_EXPORT("socketpair", Socketpair);

static Napi::Value Bind(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  auto addr = BufArg(info, 1);
  if (bind(fd, reinterpret_cast<const sockaddr*>(addr.Data()), addr.Length()) < 0) return ThrowErrno(info.Env(), errno, "bind(" + Fd(fd) + ")");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("bind", Bind);

static Napi::Value Connect(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  auto addr = BufArg(info, 1);
  if (connect(fd, reinterpret_cast<const sockaddr*>(addr.Data()), addr.Length()) < 0) return ThrowErrno(info.Env(), errno, "connect(" + Fd(fd) + ")");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("connect", Connect);

static Napi::Value Listen(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  if (listen(fd, IntArg(info, 1)) < 0) return ThrowErrno(info.Env(), errno, "listen(" + Fd(fd) + ")");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("listen", Listen);

static Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  if (shutdown(fd, IntArg(info, 1)) < 0) return ThrowErrno(info.Env(), errno, "shutdown(" + Fd(fd) + ")");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("shutdown", Shutdown);

// pollEvents(fd) -> the revents of poll({fd, POLLIN | POLLPRI | POLLOUT | POLLRDHUP}) at once, never waiting
static Napi::Value PollEvents(const Napi::CallbackInfo& info) {
  struct pollfd p = {IntArg(info, 0), POLLIN | POLLPRI | POLLOUT | POLLRDHUP, 0};
  if (poll(&p, 1, 0) < 0) return ThrowErrno(info.Env(), errno, "poll(" + Fd(p.fd) + ")");
  return Napi::Number::New(info.Env(), p.revents);
}
CRIU_TS_EXPORT("pollEvents", PollEvents);

// accept4(fd, flags) -> the new connection's fd
static Napi::Value Accept4(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  int sk = accept4(fd, nullptr, nullptr, IntArg(info, 1));
  if (sk < 0) return ThrowErrno(info.Env(), errno, "accept4(" + Fd(fd) + ")");
  return Napi::Number::New(info.Env(), sk);
}
CRIU_TS_EXPORT("accept4", Accept4);

// getsockname(fd) / getpeername(fd) -> the raw sockaddr
static Napi::Value Name(const Napi::CallbackInfo& info, bool peer) {
  int fd = IntArg(info, 0);
  sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) : getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc < 0) return ThrowErrno(info.Env(), errno, std::string(peer ? "getpeername(" : "getsockname(") + Fd(fd) + ")");
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t*>(&ss), len);
}
static Napi::Value Getsockname(const Napi::CallbackInfo& info) { return Name(info, false); }
static Napi::Value Getpeername(const Napi::CallbackInfo& info) { return Name(info, true); }
CRIU_TS_EXPORT("getsockname", Getsockname);
CRIU_TS_EXPORT("getpeername", Getpeername);

// getsockopt(fd, level, name, size) -> the option's bytes (as long as the kernel says)
static Napi::Value Getsockopt(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0), level = IntArg(info, 1), name = IntArg(info, 2);
  std::vector<uint8_t> buf(info[3].As<Napi::Number>().Uint32Value());
  socklen_t len = buf.size();
  if (getsockopt(fd, level, name, buf.data(), &len) < 0) {
    return ThrowErrno(info.Env(), errno, "getsockopt(" + Fd(fd) + ", " + std::to_string(level) + ", " + std::to_string(name) + ")");
  }
  return Napi::Buffer<uint8_t>::Copy(info.Env(), buf.data(), len);
}
CRIU_TS_EXPORT("getsockopt", Getsockopt);

static Napi::Value Setsockopt(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0), level = IntArg(info, 1), name = IntArg(info, 2);
  auto val = BufArg(info, 3);
  if (setsockopt(fd, level, name, val.Data(), val.Length()) < 0) {
    return ThrowErrno(info.Env(), errno, "setsockopt(" + Fd(fd) + ", " + std::to_string(level) + ", " + std::to_string(name) + ")");
  }
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("setsockopt", Setsockopt);

// socketFilter(fd) -> the classic BPF program attached with SO_ATTACH_FILTER (8 bytes per
// instruction, empty if none). SO_GET_FILTER counts its length in instructions, not bytes:
// asked with 0 it says how many there are.
static Napi::Value SocketFilter(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  socklen_t count = 0;
  if (getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, nullptr, &count) < 0) return ThrowErrno(info.Env(), errno, "getsockopt(" + Fd(fd) + ", SO_GET_FILTER)");
  std::vector<struct sock_filter> prog(count);
  if (count && getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, prog.data(), &count) < 0) {
    return ThrowErrno(info.Env(), errno, "getsockopt(" + Fd(fd) + ", SO_GET_FILTER)");
  }
  prog.resize(std::min<size_t>(count, prog.size()));
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t*>(prog.data()), prog.size() * sizeof(struct sock_filter));
}
CRIU_TS_EXPORT("socketFilter", SocketFilter);

// attachSocketFilter(fd, program): SO_ATTACH_FILTER of a classic BPF program (8 bytes per instruction).
static Napi::Value AttachSocketFilter(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  auto code = BufArg(info, 1);
  if (code.Length() % sizeof(struct sock_filter) || code.Length() / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    return ThrowErrno(info.Env(), EINVAL, "attachSocketFilter: a program of " + std::to_string(code.Length()) + " bytes");
  }
  std::vector<struct sock_filter> prog(code.Length() / sizeof(struct sock_filter));
  std::memcpy(prog.data(), code.Data(), code.Length());
  struct sock_fprog fprog = {static_cast<unsigned short>(prog.size()), prog.data()};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) return ThrowErrno(info.Env(), errno, "setsockopt(" + Fd(fd) + ", SO_ATTACH_FILTER)");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("attachSocketFilter", AttachSocketFilter);

// recv(fd, maxLen, flags) -> [bytes received (truncated to maxLen), length returned by the call]
static Napi::Value Recv(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0), flags = IntArg(info, 2);
  std::vector<uint8_t> buf(info[1].As<Napi::Number>().Uint32Value());
  ssize_t n = recv(fd, buf.data(), buf.size(), flags);
  if (n < 0) return ThrowErrno(info.Env(), errno, "recv(" + Fd(fd) + ")");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Buffer<uint8_t>::Copy(info.Env(), buf.data(), std::min<size_t>(n, buf.size())));
  out.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(n)));
  return out;
}
CRIU_TS_EXPORT("recv", Recv);

// send(fd, data, flags) -> bytes sent
static Napi::Value Send(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  auto data = BufArg(info, 1);
  ssize_t n = send(fd, data.Data(), data.Length(), IntArg(info, 2));
  if (n < 0) return ThrowErrno(info.Env(), errno, "send(" + Fd(fd) + ")");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}
CRIU_TS_EXPORT("send", Send);

// recvmsg(fd, maxLen, flags) -> [bytes (truncated to maxLen), length returned, fds passed with SCM_RIGHTS, sender's sockaddr]
static Napi::Value Recvmsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = IntArg(info, 0);
  std::vector<uint8_t> buf(info[1].As<Napi::Number>().Uint32Value());
  alignas(cmsghdr) char control[CMSG_SPACE(253 * sizeof(int))];
  iovec iov = {buf.data(), buf.size()};
  sockaddr_storage from = {};
  msghdr msg = {};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n = recvmsg(fd, &msg, IntArg(info, 2));
  if (n < 0) return ThrowErrno(env, errno, "recvmsg(" + Fd(fd) + ")");
  Napi::Array fds = Napi::Array::New(env);
  uint32_t count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < nfds; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      fds.Set(count++, Napi::Number::New(env, got));
    }
  }
  Napi::Array out = Napi::Array::New(env, 4);
  out.Set(0u, Napi::Buffer<uint8_t>::Copy(env, buf.data(), std::min<size_t>(n, buf.size())));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(n)));
  out.Set(2u, fds);
  out.Set(3u, Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&from), std::min<size_t>(msg.msg_namelen, sizeof(from))));
  return out;
}
CRIU_TS_EXPORT("recvmsg", Recvmsg);

// sendFds(fd, data, fds) -> bytes sent, with fds passed as SCM_RIGHTS
static Napi::Value SendFds(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  auto data = BufArg(info, 1);
  Napi::Array list = info[2].As<Napi::Array>();
  std::vector<int> fds(list.Length());
  for (uint32_t i = 0; i < fds.size(); i++) fds[i] = list.Get(i).As<Napi::Number>().Int32Value();
  std::vector<char> control(CMSG_SPACE(fds.size() * sizeof(int)));
  iovec iov = {data.Data(), data.Length()};
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
  memcpy(CMSG_DATA(c), fds.data(), fds.size() * sizeof(int));
  ssize_t n = sendmsg(fd, &msg, 0);
  if (n < 0) return ThrowErrno(info.Env(), errno, "sendmsg(" + Fd(fd) + ", SCM_RIGHTS)");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}
CRIU_TS_EXPORT("sendFds", SendFds);

// sockDiag(request) -> every reply message (nlmsghdr included) up to NLMSG_DONE or an error.
// The request is a complete netlink message built by the caller.
static Napi::Value SockDiag(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto req = BufArg(info, 0);
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return ThrowErrno(env, errno, "socket(AF_NETLINK, NETLINK_SOCK_DIAG)");
  sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, req.Data(), req.Length(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, err, "sendto(NETLINK_SOCK_DIAG)");
  }
  Napi::Array out = Napi::Array::New(env);
  uint32_t count = 0;
  std::vector<uint8_t> buf(65536);
  for (bool done = false; !done;) {
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return ThrowErrno(env, err, "recv(NETLINK_SOCK_DIAG)");
    }
    if (n == 0) break;
    int left = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      out.Set(count++, Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(h), h->nlmsg_len));
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) done = true;
    }
  }
  close(fd);
  return out;
}
CRIU_TS_EXPORT("sockDiag", SockDiag);

}  // namespace criu_ts
