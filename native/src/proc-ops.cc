// Per-task syscalls the dumper needs from outside the target: robust list, pidfds,
// pipes and tee(2) for reading pipe contents without consuming them, signals.
#include "addon.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace criu_ts {

static int IntArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// getRobustList(tid) -> [head, len]
static Napi::Value GetRobustList(const Napi::CallbackInfo& info) {
  int tid = IntArg(info, 0);
  void* head = nullptr;
  size_t len = 0;
  if (syscall(SYS_get_robust_list, tid, &head, &len) < 0) return ThrowErrno(info.Env(), errno, "get_robust_list(" + std::to_string(tid) + ")");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(head))));
  out.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(len)));
  return out;
}
CRIU_TS_EXPORT("getRobustList", GetRobustList);

// pidfdOpen(pid, flags) -> fd
static Napi::Value PidfdOpen(const Napi::CallbackInfo& info) {
  int pid = IntArg(info, 0), flags = IntArg(info, 1);
  long fd = syscall(SYS_pidfd_open, pid, flags);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "pidfd_open(" + std::to_string(pid) + ", " + std::to_string(flags) + ")");
  return Napi::Number::New(info.Env(), static_cast<double>(fd));
}
CRIU_TS_EXPORT("pidfdOpen", PidfdOpen);

// deadPidfds([flags...]) -> [fd...]: pidfds of one process that is dead and reaped by the
// time they are returned (a child that only waits to be killed), one per flags value.
static Napi::Value DeadPidfds(const Napi::CallbackInfo& info) {
  Napi::Array flags = info[0].As<Napi::Array>();
  pid_t child = fork();
  if (child < 0) return ThrowErrno(info.Env(), errno, "fork");
  if (child == 0)
    for (;;) pause();
  Napi::Array out = Napi::Array::New(info.Env(), flags.Length());
  int err = 0;
  std::string what;
  std::vector<int> opened;
  for (uint32_t i = 0; i < flags.Length() && !err; i++) {
    int f = flags.Get(i).As<Napi::Number>().Int32Value();
    long fd = syscall(SYS_pidfd_open, child, f);
    if (fd < 0) {
      err = errno;
      what = "pidfd_open(" + std::to_string(child) + ", " + std::to_string(f) + ")";
    } else {
      opened.push_back(static_cast<int>(fd));
    }
  }
  kill(child, SIGKILL);
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {}
  if (err) {
    for (int fd : opened) close(fd);
    return ThrowErrno(info.Env(), err, what);
  }
  for (uint32_t i = 0; i < opened.size(); i++) out.Set(i, Napi::Number::New(info.Env(), opened[i]));
  return out;
}
CRIU_TS_EXPORT("deadPidfds", DeadPidfds);

static Napi::Value PidfdGetfd(const Napi::CallbackInfo& info) {
  int pidfd = IntArg(info, 0), target = IntArg(info, 1);
  long fd = syscall(SYS_pidfd_getfd, pidfd, target, 0);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "pidfd_getfd(" + std::to_string(target) + ")");
  return Napi::Number::New(info.Env(), static_cast<double>(fd));
}
CRIU_TS_EXPORT("pidfdGetfd", PidfdGetfd);

// pipe2(flags) -> [readFd, writeFd]
static Napi::Value Pipe2(const Napi::CallbackInfo& info) {
  int fds[2];
  if (pipe2(fds, IntArg(info, 0)) < 0) return ThrowErrno(info.Env(), errno, "pipe2");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), fds[0]));
  out.Set(1u, Napi::Number::New(info.Env(), fds[1]));
  return out;
}
CRIU_TS_EXPORT("pipe2", Pipe2);

// tee(in, out, len, flags) -> bytes duplicated (0 at an empty pipe with SPLICE_F_NONBLOCK gives EAGAIN).
static Napi::Value Tee(const Napi::CallbackInfo& info) {
  ssize_t n = tee(IntArg(info, 0), IntArg(info, 1), info[2].As<Napi::Number>().Uint32Value(), IntArg(info, 3));
  if (n < 0) return ThrowErrno(info.Env(), errno, "tee");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}
CRIU_TS_EXPORT("tee", Tee);

// fcntl(fd, cmd, arg) -> result; for F_GETFL, F_GETPIPE_SZ, F_SETPIPE_SZ, F_GETFD.
static Napi::Value Fcntl(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0), cmd = IntArg(info, 1);
  int r = fcntl(fd, cmd, info.Length() > 2 ? IntArg(info, 2) : 0);
  if (r < 0) return ThrowErrno(info.Env(), errno, "fcntl(" + std::to_string(fd) + ", " + std::to_string(cmd) + ")");
  return Napi::Number::New(info.Env(), r);
}
CRIU_TS_EXPORT("fcntl", Fcntl);

// fcntlRead(fd, cmd, size) -> Buffer the command filled (F_GETOWN_EX, F_GETOWNER_UIDS).
static Napi::Value FcntlRead(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0), cmd = IntArg(info, 1);
  size_t size = info[2].As<Napi::Number>().Uint32Value();
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(info.Env(), size);
  memset(buf.Data(), 0, size);
  if (fcntl(fd, cmd, buf.Data()) < 0) return ThrowErrno(info.Env(), errno, "fcntl(" + std::to_string(fd) + ", " + std::to_string(cmd) + ")");
  return buf;
}
CRIU_TS_EXPORT("fcntlRead", FcntlRead);

static Napi::Value MemfdCreate(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int fd = memfd_create(name.c_str(), info[1].As<Napi::Number>().Uint32Value());
  if (fd < 0) return ThrowErrno(info.Env(), errno, "memfd_create(" + name + ")");
  return Napi::Number::New(info.Env(), fd);
}
CRIU_TS_EXPORT("memfdCreate", MemfdCreate);

// kcmpFiles(pid1, pid2, fd1, fd2) -> true when both fds refer to one open file description.
static Napi::Value KcmpFiles(const Napi::CallbackInfo& info) {
  long r = syscall(SYS_kcmp, IntArg(info, 0), IntArg(info, 1), 0 /* KCMP_FILE */, IntArg(info, 2), IntArg(info, 3));
  if (r < 0) return ThrowErrno(info.Env(), errno, "kcmp(KCMP_FILE)");
  return Napi::Boolean::New(info.Env(), r == 0);
}
CRIU_TS_EXPORT("kcmpFiles", KcmpFiles);

// kcmpFdTables(pid1, pid2) -> true when both tasks use one fd table (CLONE_FILES).
static Napi::Value KcmpFdTables(const Napi::CallbackInfo& info) {
  long r = syscall(SYS_kcmp, IntArg(info, 0), IntArg(info, 1), 2 /* KCMP_FILES */, 0, 0);
  if (r < 0) return ThrowErrno(info.Env(), errno, "kcmp(KCMP_FILES)");
  return Napi::Boolean::New(info.Env(), r == 0);
}
CRIU_TS_EXPORT("kcmpFdTables", KcmpFdTables);

// ioctlRead(fd, request, size) -> Buffer the ioctl filled (for the TCGETS/TIOCG* family).
static Napi::Value IoctlRead(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  unsigned long req = static_cast<unsigned long>(info[1].As<Napi::Number>().Int64Value());
  size_t size = info[2].As<Napi::Number>().Uint32Value();
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(info.Env(), size);
  memset(buf.Data(), 0, size);
  if (ioctl(fd, req, buf.Data()) < 0) return ThrowErrno(info.Env(), errno, "ioctl(" + std::to_string(fd) + ", " + std::to_string(req) + ")");
  return buf;
}
CRIU_TS_EXPORT("ioctlRead", IoctlRead);

// ioctlValue(fd, request, arg) -> the ioctl's result, for requests that take a plain int
// (TIOCGPTPEER's open flags, TIOCEXCL's none).
static Napi::Value IoctlValue(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  unsigned long req = static_cast<unsigned long>(info[1].As<Napi::Number>().Int64Value());
  long r = ioctl(fd, req, static_cast<unsigned long>(IntArg(info, 2)));
  if (r < 0) return ThrowErrno(info.Env(), errno, "ioctl(" + std::to_string(fd) + ", " + std::to_string(req) + ")");
  return Napi::Number::New(info.Env(), static_cast<double>(r));
}
CRIU_TS_EXPORT("ioctlValue", IoctlValue);

// linkFollow(path, newPath): a hard link to the file path names, following the link
// (linkat with AT_SYMLINK_FOLLOW): through /proc/PID/fd/N, the very file a task has open.
static Napi::Value LinkFollow(const Napi::CallbackInfo& info) {
  std::string from = info[0].As<Napi::String>().Utf8Value();
  std::string to = info[1].As<Napi::String>().Utf8Value();
  if (linkat(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), AT_SYMLINK_FOLLOW) < 0) return ThrowErrno(info.Env(), errno, "linkat(" + from + ", " + to + ")");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("linkFollow", LinkFollow);

// dup3(oldfd, newfd, flags): node's fs has no way to put a file at a given fd number.
static Napi::Value Dup3(const Napi::CallbackInfo& info) {
  int r = dup3(IntArg(info, 0), IntArg(info, 1), IntArg(info, 2));
  if (r < 0) return ThrowErrno(info.Env(), errno, "dup3(" + std::to_string(IntArg(info, 0)) + ", " + std::to_string(IntArg(info, 1)) + ")");
  return Napi::Number::New(info.Env(), r);
}
CRIU_TS_EXPORT("dup3", Dup3);

// prctl(PR_SET_CHILD_SUBREAPER, 1): orphans among our descendants become our children.
static Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return ThrowErrno(info.Env(), errno, "prctl(PR_SET_CHILD_SUBREAPER)");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("setChildSubreaper", SetChildSubreaper);

// ioctlWrite(fd, request, buf): an ioctl that reads the struct it is given (a set).
static Napi::Value IoctlWrite(const Napi::CallbackInfo& info) {
  int fd = IntArg(info, 0);
  unsigned long req = static_cast<unsigned long>(info[1].As<Napi::Number>().Int64Value());
  Napi::Buffer<uint8_t> buf = info[2].As<Napi::Buffer<uint8_t>>();
  if (ioctl(fd, req, buf.Data()) < 0) return ThrowErrno(info.Env(), errno, "ioctl(" + std::to_string(fd) + ", " + std::to_string(req) + ")");
  return info.Env().Undefined();
}
CRIU_TS_EXPORT("ioctlWrite", IoctlWrite);

}  // namespace criu_ts
