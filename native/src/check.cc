// Kernel feature probes for `criu-ts check`: each makes the smallest call that tells whether
// the kernel knows a syscall/ioctl, and reports the errno; the TypeScript side decides what
// the answer means.
#include "addon.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

namespace criu_ts {

namespace {

// PAGEMAP_SCAN (Linux 6.7) is newer than the system headers: layout of its argument.
struct PageRegion {
  uint64_t start, end, categories;
};
struct PmScanArg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
constexpr unsigned long kPagemapScan = _IOWR('f', 16, PmScanArg);
constexpr uint64_t kPageIsPresent = 1 << 3;

// clone3's argument up to set_tid/set_tid_size (the layout that introduced set_tid).
struct CloneArgsV1 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  uint64_t set_tid, set_tid_size;
};

int ErrnoOf(long ret) { return ret < 0 ? errno : 0; }

}  // namespace

// userfaultfd + UFFDIO_API handshake; returns the feature bits the kernel offers.
static Napi::Value UffdFeatures(const Napi::CallbackInfo& info) {
  int fd = static_cast<int>(syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK));
  if (fd < 0) return ThrowErrno(info.Env(), errno, "userfaultfd(O_CLOEXEC|O_NONBLOCK)");
  struct uffdio_api api = {};
  api.api = UFFD_API;
  api.features = 0;  // asking for none makes the kernel report all it has
  int rc = ioctl(fd, UFFDIO_API, &api);
  int err = errno;
  close(fd);
  if (rc < 0) return ThrowErrno(info.Env(), err, "ioctl(userfaultfd, UFFDIO_API)");
  return Napi::Number::New(info.Env(), static_cast<double>(api.features));
}
CRIU_TS_EXPORT("uffdFeatures", UffdFeatures);

// PAGEMAP_SCAN over one page of our own stack; returns how many regions it reported.
static Napi::Value PagemapScanSelf(const Napi::CallbackInfo& info) {
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "open(/proc/self/pagemap)");
  long page = sysconf(_SC_PAGESIZE);
  volatile char here = 0;  // a surely present page: the one holding this variable
  uint64_t start = reinterpret_cast<uintptr_t>(&here) & ~static_cast<uint64_t>(page - 1);
  PageRegion region = {};
  PmScanArg arg = {};
  arg.size = sizeof(arg);
  arg.start = start;
  arg.end = start + page;
  arg.vec = reinterpret_cast<uintptr_t>(&region);
  arg.vec_len = 1;
  arg.category_anyof_mask = kPageIsPresent;
  arg.return_mask = kPageIsPresent;
  int rc = ioctl(fd, kPagemapScan, &arg);
  int err = errno;
  close(fd);
  if (rc < 0) return ThrowErrno(info.Env(), err, "ioctl(/proc/self/pagemap, PAGEMAP_SCAN)");
  return Napi::Number::New(info.Env(), rc);
}
CRIU_TS_EXPORT("pagemapScanSelf", PagemapScanSelf);

// rseq(NULL, 0, 0, 0): a kernel with rseq answers EINVAL, one without ENOSYS. Returns the errno.
static Napi::Value RseqProbeErrno(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ErrnoOf(syscall(SYS_rseq, nullptr, 0, 0, 0)));
}
CRIU_TS_EXPORT("rseqProbeErrno", RseqProbeErrno);

// clone3 with a set_tid pointer but set_tid_size 0 is refused before any task is made:
// EINVAL when the kernel knows set_tid, E2BIG when clone3 predates it, ENOSYS without
// clone3. Returns the errno (0 if a task was made after all; it is reaped at once).
static Napi::Value Clone3SetTidProbeErrno(const Napi::CallbackInfo& info) {
  pid_t tid = 0;
  CloneArgsV1 args = {};
  args.set_tid = reinterpret_cast<uintptr_t>(&tid);
  args.set_tid_size = 0;
  long ret = syscall(SYS_clone3, &args, sizeof(args));
  if (ret == 0) _exit(0);
  if (ret > 0) {
    waitpid(static_cast<pid_t>(ret), nullptr, __WALL);
    return Napi::Number::New(info.Env(), 0);
  }
  return Napi::Number::New(info.Env(), errno);
}
CRIU_TS_EXPORT("clone3SetTidProbeErrno", Clone3SetTidProbeErrno);

// prctl(PR_TIMER_CREATE_RESTORE_IDS, GET): 0 when the kernel has it (Linux 6.15), else the errno.
static Napi::Value TimerRestoreIdsProbeErrno(const Napi::CallbackInfo& info) {
  constexpr int kTimerCreateRestoreIds = 77, kGet = 2;
  return Napi::Number::New(info.Env(), ErrnoOf(prctl(kTimerCreateRestoreIds, kGet, 0, 0, 0)));
}
CRIU_TS_EXPORT("timerRestoreIdsProbeErrno", TimerRestoreIdsProbeErrno);

// openat2("/", RESOLVE_NO_SYMLINKS): 0 when it opens (the fd is closed again), else the errno.
static Napi::Value Openat2ProbeErrno(const Napi::CallbackInfo& info) {
  struct { uint64_t flags, mode, resolve; } how = {O_RDONLY | O_CLOEXEC, 0, 0x04 /* RESOLVE_NO_SYMLINKS */};
  long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
  if (fd < 0) return Napi::Number::New(info.Env(), errno);
  close(static_cast<int>(fd));
  return Napi::Number::New(info.Env(), 0);
}
CRIU_TS_EXPORT("openat2ProbeErrno", Openat2ProbeErrno);

// Forks a child that only waits (pause) and dies with us: a tracee for the ptrace probes.
// Returns its PID; the caller kills and reaps it.
static Napi::Value ForkIdleChild(const Napi::CallbackInfo& info) {
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) return ThrowErrno(info.Env(), errno, "fork");
  if (child == 0) {
    // Only async-signal-safe calls here: we are a copy of a threaded process.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    for (;;) pause();
  }
  return Napi::Number::New(info.Env(), child);
}
CRIU_TS_EXPORT("forkIdleChild", ForkIdleChild);

}  // namespace criu_ts
