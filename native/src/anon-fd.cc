// Files without a path (anon inodes): eventfd, signalfd, timerfd, inotify, epoll, plus
// open_by_handle_at for inotify watches and the lock calls that re-take file locks.
#include "addon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace criu_ts {

namespace {

int IntArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

uint64_t U64Arg(const Napi::CallbackInfo& info, size_t i) {
  bool lossless = true;
  return info[i].As<Napi::BigInt>().Uint64Value(&lossless);
}

int64_t I64Arg(const Napi::CallbackInfo& info, size_t i) {
  bool lossless = true;
  return info[i].As<Napi::BigInt>().Int64Value(&lossless);
}

Napi::Value FdOrThrow(const Napi::CallbackInfo& info, long fd, const std::string& call) {
  if (fd < 0) return ThrowErrno(info.Env(), errno, call);
  return Napi::Number::New(info.Env(), static_cast<double>(fd));
}

// eventfd(flags) -> fd with a zero counter (the counter is 64-bit; it is written after).
Napi::Value Eventfd(const Napi::CallbackInfo& info) {
  return FdOrThrow(info, eventfd(0, IntArg(info, 0)), "eventfd");
}

// signalfd(mask: bigint, flags) -> fd; mask bit n-1 is signal n.
Napi::Value Signalfd(const Napi::CallbackInfo& info) {
  uint64_t mask = U64Arg(info, 0);
  return FdOrThrow(info, syscall(SYS_signalfd4, -1, &mask, sizeof(mask), IntArg(info, 1)), "signalfd4");
}

// timerfdCreate(clockid, flags) -> fd
Napi::Value TimerfdCreate(const Napi::CallbackInfo& info) {
  return FdOrThrow(info, timerfd_create(IntArg(info, 0), IntArg(info, 1)), "timerfd_create");
}

// timerfdSettime(fd, flags, valueSec, valueNsec, intervalSec, intervalNsec: bigint)
Napi::Value TimerfdSettime(const Napi::CallbackInfo& info) {
  struct itimerspec its = {};
  its.it_value.tv_sec = static_cast<time_t>(I64Arg(info, 2));
  its.it_value.tv_nsec = static_cast<long>(I64Arg(info, 3));
  its.it_interval.tv_sec = static_cast<time_t>(I64Arg(info, 4));
  its.it_interval.tv_nsec = static_cast<long>(I64Arg(info, 5));
  if (timerfd_settime(IntArg(info, 0), IntArg(info, 1), &its, nullptr) < 0) return ThrowErrno(info.Env(), errno, "timerfd_settime");
  return info.Env().Undefined();
}

// clockGettime(clockid) -> [sec, nsec] as bigints
Napi::Value ClockGettime(const Napi::CallbackInfo& info) {
  struct timespec ts = {};
  if (clock_gettime(IntArg(info, 0), &ts) < 0) return ThrowErrno(info.Env(), errno, "clock_gettime");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::BigInt::New(info.Env(), static_cast<int64_t>(ts.tv_sec)));
  out.Set(1u, Napi::BigInt::New(info.Env(), static_cast<int64_t>(ts.tv_nsec)));
  return out;
}

// timerfdSetTicks(fd, ticks: bigint): expirations not yet read (TFD_IOC_SET_TICKS).
Napi::Value TimerfdSetTicks(const Napi::CallbackInfo& info) {
  uint64_t ticks = U64Arg(info, 1);
  if (ioctl(IntArg(info, 0), _IOW('T', 0, uint64_t), &ticks) < 0) return ThrowErrno(info.Env(), errno, "ioctl(TFD_IOC_SET_TICKS)");
  return info.Env().Undefined();
}

// inotifyInit(flags) -> fd
Napi::Value InotifyInit(const Napi::CallbackInfo& info) {
  return FdOrThrow(info, inotify_init1(IntArg(info, 0)), "inotify_init1");
}

// inotifyAddWatch(fd, path, mask) -> wd
Napi::Value InotifyAddWatch(const Napi::CallbackInfo& info) {
  std::string path = info[1].As<Napi::String>().Utf8Value();
  int wd = inotify_add_watch(IntArg(info, 0), path.c_str(), info[2].As<Napi::Number>().Uint32Value());
  return FdOrThrow(info, wd, "inotify_add_watch(" + path + ")");
}

// fanotifyInit(flags, eventFlags) -> fd
Napi::Value FanotifyInit(const Napi::CallbackInfo& info) {
  return FdOrThrow(info, fanotify_init(info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Number>().Uint32Value()), "fanotify_init");
}

// fanotifyMark(fd, flags, mask, path): marks the object at path (AT_FDCWD-relative)
Napi::Value FanotifyMark(const Napi::CallbackInfo& info) {
  std::string path = info[3].As<Napi::String>().Utf8Value();
  uint64_t mask = info[2].As<Napi::Number>().Uint32Value();
  if (fanotify_mark(IntArg(info, 0), info[1].As<Napi::Number>().Uint32Value(), mask, AT_FDCWD, path.c_str()) < 0) {
    return ThrowErrno(info.Env(), errno, "fanotify_mark(" + path + ")");
  }
  return info.Env().Undefined();
}

// inotifyRmWatch(fd, wd)
Napi::Value InotifyRmWatch(const Napi::CallbackInfo& info) {
  if (inotify_rm_watch(IntArg(info, 0), IntArg(info, 1)) < 0) return ThrowErrno(info.Env(), errno, "inotify_rm_watch");
  return info.Env().Undefined();
}

// openByHandleAt(mountFd, handleType, handle: Buffer, flags) -> fd
Napi::Value OpenByHandleAt(const Napi::CallbackInfo& info) {
  Napi::Buffer<uint8_t> handle = info[2].As<Napi::Buffer<uint8_t>>();
  std::vector<uint8_t> fh(sizeof(struct file_handle) + handle.Length());
  auto* h = reinterpret_cast<struct file_handle*>(fh.data());
  h->handle_bytes = static_cast<unsigned>(handle.Length());
  h->handle_type = IntArg(info, 1);
  memcpy(h->f_handle, handle.Data(), handle.Length());
  return FdOrThrow(info, open_by_handle_at(IntArg(info, 0), h, IntArg(info, 3)), "open_by_handle_at");
}

// epollCreate(flags) -> fd
Napi::Value EpollCreate(const Napi::CallbackInfo& info) {
  return FdOrThrow(info, epoll_create1(IntArg(info, 0)), "epoll_create1");
}

// epollAddAt(epfd, sources: Int32Array, numbers: Int32Array, events: Uint32Array, data: BigUint64Array)
// Registers each source file under the fd number it has in the restored task: the kernel
// keys epoll items by (file, fd number), so the number used at EPOLL_CTL_ADD must be the
// task's. A forked helper, whose fd table is a copy of ours, dups the files to those
// numbers and registers them; the items outlive it since they belong to the files.
Napi::Value EpollAddAt(const Napi::CallbackInfo& info) {
  int epfd = IntArg(info, 0);
  Napi::Int32Array sources = info[1].As<Napi::Int32Array>();
  Napi::Int32Array numbers = info[2].As<Napi::Int32Array>();
  Napi::Uint32Array events = info[3].As<Napi::Uint32Array>();
  Napi::BigUint64Array data = info[4].As<Napi::BigUint64Array>();
  size_t n = sources.ElementLength();
  std::vector<int> src(sources.Data(), sources.Data() + n), num(numbers.Data(), numbers.Data() + n);
  std::vector<struct epoll_event> evs(n);
  int top = epfd;
  for (size_t i = 0; i < n; i++) {
    evs[i].events = events[i];
    evs[i].data.u64 = data[i];
    top = std::max({top, src[i], num[i]});
  }
  pid_t pid = fork();
  if (pid < 0) return ThrowErrno(info.Env(), errno, "fork");
  if (pid == 0) {
    // Only raw syscalls here: this is a fork of a multithreaded process. Everything is
    // first moved above every number in use, so no dup2 clobbers a source still needed.
    int ep = static_cast<int>(syscall(SYS_fcntl, epfd, F_DUPFD, top + 1));
    if (ep < 0) syscall(SYS_exit_group, 200);
    for (size_t i = 0; i < n; i++) {
      long high = syscall(SYS_fcntl, src[i], F_DUPFD, top + 1);
      if (high < 0) syscall(SYS_exit_group, 201);
      src[i] = static_cast<int>(high);
    }
    for (size_t i = 0; i < n; i++) {
      // dup3, not dup2: aarch64 has no dup2 (sources are above every target, never equal).
      if (syscall(SYS_dup3, src[i], num[i], 0) < 0) syscall(SYS_exit_group, 202);
      if (syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, num[i], &evs[i]) < 0) syscall(SYS_exit_group, errno & 0x7f);
    }
    syscall(SYS_exit_group, 0);
  }
  int status = 0;
  while (waitpid(pid, &status, __WALL) < 0) {
    if (errno != EINTR) return ThrowErrno(info.Env(), errno, "waitpid(epoll helper)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // Codes below 128 are the errno of epoll_ctl; the others a failed dup.
    return ThrowErrno(info.Env(), code < 128 ? code : EBADF, "epoll_ctl(EPOLL_CTL_ADD) in the helper (status " + std::to_string(code) + ")");
  }
  return info.Env().Undefined();
}

// kcmpEpollTarget(pid, epfd, tfd, toff) -> true when fd tfd of pid is the file registered
// in pid's epoll epfd under (tfd, toff) (kcmp KCMP_EPOLL_TFD).
Napi::Value KcmpEpollTarget(const Napi::CallbackInfo& info) {
  struct {
    uint32_t efd, tfd, toff;
  } slot = {static_cast<uint32_t>(IntArg(info, 1)), static_cast<uint32_t>(IntArg(info, 2)), static_cast<uint32_t>(IntArg(info, 3))};
  int pid = IntArg(info, 0);
  long r = syscall(SYS_kcmp, pid, pid, 7 /* KCMP_EPOLL_TFD */, slot.tfd, reinterpret_cast<unsigned long>(&slot));
  if (r < 0 && errno != ENOENT && errno != EBADF) return ThrowErrno(info.Env(), errno, "kcmp(KCMP_EPOLL_TFD)");
  return Napi::Boolean::New(info.Env(), r == 0);
}

// flock(fd, operation)
Napi::Value Flock(const Napi::CallbackInfo& info) {
  if (flock(IntArg(info, 0), IntArg(info, 1)) < 0) return ThrowErrno(info.Env(), errno, "flock");
  return info.Env().Undefined();
}

// setRecordLock(fd, cmd, type, start: bigint, len: bigint): F_SETLK / F_OFD_SETLK from SEEK_SET.
Napi::Value SetRecordLock(const Napi::CallbackInfo& info) {
  struct flock fl = {};
  fl.l_type = static_cast<short>(IntArg(info, 2));
  fl.l_whence = SEEK_SET;
  fl.l_start = static_cast<off_t>(I64Arg(info, 3));
  fl.l_len = static_cast<off_t>(I64Arg(info, 4));
  if (fcntl(IntArg(info, 0), IntArg(info, 1), &fl) < 0) return ThrowErrno(info.Env(), errno, "fcntl(" + std::to_string(IntArg(info, 1)) + ", lock)");
  return info.Env().Undefined();
}

}  // namespace

CRIU_TS_EXPORT("eventfd", Eventfd);
CRIU_TS_EXPORT("signalfd", Signalfd);
CRIU_TS_EXPORT("timerfdCreate", TimerfdCreate);
CRIU_TS_EXPORT("timerfdSettime", TimerfdSettime);
CRIU_TS_EXPORT("timerfdSetTicks", TimerfdSetTicks);
CRIU_TS_EXPORT("clockGettime", ClockGettime);
CRIU_TS_EXPORT("inotifyInit", InotifyInit);
CRIU_TS_EXPORT("inotifyAddWatch", InotifyAddWatch);
CRIU_TS_EXPORT("inotifyRmWatch", InotifyRmWatch);
CRIU_TS_EXPORT("fanotifyInit", FanotifyInit);
CRIU_TS_EXPORT("fanotifyMark", FanotifyMark);
CRIU_TS_EXPORT("openByHandleAt", OpenByHandleAt);
CRIU_TS_EXPORT("epollCreate", EpollCreate);
CRIU_TS_EXPORT("epollAddAt", EpollAddAt);
CRIU_TS_EXPORT("kcmpEpollTarget", KcmpEpollTarget);
CRIU_TS_EXPORT("flock", Flock);
CRIU_TS_EXPORT("setRecordLock", SetRecordLock);

}  // namespace criu_ts
