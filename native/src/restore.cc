// Creates a task to be restored: clone3 with the old PID, then, in the child, only raw
// syscalls (it is a fork of a multithreaded node): session, fds into place,
// cwd, umask, then map the restorer blob with its argument block and jump to it.
// Everything the child does was decided by the TypeScript planner and is read from
// memory prepared here before the clone. Failures reach the parent as struct
// rst_report records on the report pipe (see arch/common/restorer.h), with the
// syscall that failed.
#include "addon.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "../../arch/common/restorer.h"
#include "arch-native.h"
#include "blob-syscall.h"

namespace criu_ts {

// Taken at load, not in the forked child: 4 KiB or 64 KiB (Debian's ppc64el).
const size_t kPageSize = static_cast<size_t>(sysconf(_SC_PAGESIZE));

namespace {

struct FdMove {
  int src;
  int dst;
  bool cloexec;
};


// Everything the child needs, prepared before clone so the child only reads memory.
struct ChildSpec {
  pid_t pid = 0;
  bool newSession = false;      // setsid(): the task leads its own session
  bool ownGroup = false;        // setpgid(0, 0) by the task itself (the root outside a new session)
  pid_t pgidByParent = 0;       // group the creating task puts this one in, 0 to inherit
  int exitSignal = SIGCHLD;     // what its parent gets when it exits
  std::vector<size_t> children; // indices of the tasks this one creates
  int zombieStatus = -1;        // >= 0: a zombie, which dies at once with this wait status
  bool helper = false;          // a zombie that only lent its PID (a gone session leader): reaped by its creator
  bool subreaper = false;       // set before the children exist: a helper's children are reparented to us
  long unshareFlags = 0;        // CLONE_NEW* of the namespaces it creates, before its children exist (they share them)
  std::vector<std::pair<std::string, std::string>> writes;  // then written into them: /proc file, value
  bool dieWithParent = false;
  bool sharesFiles = false;     // cloned with CLONE_FILES once the creator's fds are in place; places none itself
  pid_t parent = 0;
  std::vector<FdMove> fds;
  int stagingBase = 0;
  int reportFd = -1;        // the report pipe's number in node
  int reportFdTarget = -1;  // its number once the fds are in place
  int foregroundFd = -1;    // >= 0: the task's terminal fd whose foreground group it takes (a shell job)
  int cttyFd = -1;          // >= 0: node's fd (the task has it too) of the terminal a new session's leader makes its controlling one
  bool setsOomScoreAdj = false;
  int oomScoreAdj = 0;
  mode_t umask = 022;
  std::string cwd;
  std::string root;  // chroot() after the chdir, unless "/"
  uintptr_t region = 0;
  size_t regionLen = 0;
  std::vector<uint8_t> code;
  std::vector<uint8_t> args;
  uintptr_t argsAddr = 0;
  uintptr_t stackTop = 0;
  uint32_t faultStep = 0;  // CRIU_TS_FAULT passed on: this step fails with ECANCELED
};

long Raw(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
  long r = syscall(nr, a, b, c, d, e, f);
  return r < 0 ? -errno : r;
}

// The last syscall a step made, for the report should the step fail.
struct Call {
  const char* name = nullptr;
  uint32_t nargs = 0;
  long args[6] = {};
};

// Raw(), remembered in `last`: SYS_CALL(last, name, args...).
template <typename... A>
long Traced(Call& last, const char* name, long nr, A... a) {
  static_assert(sizeof...(A) <= 6, "six syscall arguments at most");
  last = Call{name, sizeof...(A), {static_cast<long>(a)...}};
  return Raw(nr, static_cast<long>(a)...);
}
#define SYS_CALL(last, name, ...) Traced(last, #name, SYS_##name, ##__VA_ARGS__)

// call: the syscall that failed, or null when the step failed on a check of its own.
void Report(int fd, pid_t pid, uint32_t step, long err, const Call* call = nullptr) {
  struct rst_report r = {};
  r.pid = static_cast<u32>(pid);
  r.step = step;
  r.err = static_cast<s32>(-err);
  if (call && call->name) {
    r.nargs = call->nargs;
    for (size_t i = 0; call->name[i] && i + 1 < sizeof(r.syscall); i++) r.syscall[i] = static_cast<u8>(call->name[i]);
    for (size_t i = 0; i < 6; i++) r.args[i] = static_cast<u64>(call->args[i]);
  }
  Raw(SYS_write, fd, reinterpret_cast<long>(&r), sizeof(r));
}

[[noreturn]] void Die(int fd, pid_t pid, uint32_t step, long err, const Call* call = nullptr) {
  Report(fd, pid, step, err, call);
  for (;;) syscall(SYS_exit_group, 1);
}

// Moves every source fd to its target number through a staging range above all of
// them (so a target never clobbers a source still needed), then closes the rest.
long PlaceFds(const ChildSpec& s, Call& last) {
  for (size_t i = 0; i < s.fds.size(); i++) {
    long r = SYS_CALL(last, fcntl, s.fds[i].src, F_DUPFD, s.stagingBase + static_cast<long>(i));
    if (r < 0) return r;
    if (r != s.stagingBase + static_cast<long>(i)) return -EBUSY;
  }
  for (size_t i = 0; i < s.fds.size(); i++) {
    long r = SYS_CALL(last, dup3, s.stagingBase + static_cast<long>(i), s.fds[i].dst, s.fds[i].cloexec ? O_CLOEXEC : 0);
    if (r < 0) return r;
  }
  // Targets arrive sorted by number from the planner: close the gaps between them.
  unsigned int next = 0;
  for (const FdMove& m : s.fds) {
    if (static_cast<unsigned>(m.dst) > next) Raw(SYS_close_range, next, m.dst - 1, 0);
    next = m.dst + 1;
  }
  return SYS_CALL(last, close_range, next, ~0U, 0);
}

// One write of len bytes to `file` (a /proc file: all of it or an error). Allocates nothing:
// it runs in the forked child.
long WriteFile(const char* file, const char* data, size_t len, Call& last) {
  long fd = SYS_CALL(last, openat, AT_FDCWD, reinterpret_cast<long>(file), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fd;
  long r = SYS_CALL(last, write, fd, reinterpret_cast<long>(data), static_cast<long>(len));
  Raw(SYS_close, fd);
  return r < 0 ? r : 0;
}

// Written by the new task itself before it becomes the program (so even a task that exits at
// once had it), while it still has our privileges: lowering the value takes CAP_SYS_RESOURCE.
long SetOomScoreAdj(int value, Call& last) {
  char text[12];
  size_t n = 0;
  unsigned magnitude = value < 0 ? 0u - static_cast<unsigned>(value) : static_cast<unsigned>(value);
  char digits[11];
  size_t d = 0;
  do digits[d++] = static_cast<char>('0' + magnitude % 10); while ((magnitude /= 10) != 0);
  if (value < 0) text[n++] = '-';
  while (d) text[n++] = digits[--d];
  return WriteFile("/proc/self/oom_score_adj", text, n, last);
}

// The child inherits node's rseq registration; the kernel would keep writing to that
// area after the blob unmapped it, so it is dropped first.
long DropInheritedRseq(Call& last) {
  if (__rseq_size == 0) return 0;
  void* area = static_cast<char*>(ThreadPointer()) + __rseq_offset;
  unsigned len = __rseq_size < 32 ? 32 : __rseq_size;
  return SYS_CALL(last, rseq, reinterpret_cast<long>(area), len, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}

long Clone3(pid_t pid, Call& last, uint64_t flags = 0, int exitSignal = SIGCHLD);
[[noreturn]] void RunChild(const std::vector<ChildSpec>& all, size_t index);

// Creates child `c` of task `s` (with its group) and runs it; what fails is reported on `report`.
void CreateChild(const std::vector<ChildSpec>& all, size_t c, int report, Call& last) {
  const ChildSpec& cs = all[c];
  long task = Clone3(cs.pid, last, cs.sharesFiles ? CLONE_FILES : 0, cs.exitSignal);
  if (task == 0) RunChild(all, c);
  if (task < 0) Die(report, cs.pid, RST_STEP_CLONE, task, &last);
  if (cs.pgidByParent) {
    long r = SYS_CALL(last, setpgid, task, cs.pgidByParent);
    if (r < 0) Die(report, cs.pid, RST_STEP_SESSION, r, &last);
  }
  if (cs.helper) {
    int status;
    long r;
    do r = SYS_CALL(last, wait4, task, reinterpret_cast<long>(&status), __WALL, 0); while (r == -EINTR);
    if (r < 0) Die(report, cs.pid, RST_STEP_SESSION, r, &last);
  }
}

// A task that was a zombie (or a session helper, once its children exist): it reports,
// then dies the way it died, for its parent to reap.
[[noreturn]] void BecomeZombie(const ChildSpec& s) {
  Report(s.reportFd, s.pid, 0, 0);
  int sig = s.zombieStatus & 0x7f;
  if (sig) {
    struct rlimit64 noCore = {0, 0};
    Raw(SYS_prlimit64, 0, RLIMIT_CORE, reinterpret_cast<long>(&noCore), 0);
    struct { uint64_t handler, flags, restorer, mask; } dfl = {0, 0, 0, 0};  // SIG_DFL
    Raw(SYS_rt_sigaction, sig, reinterpret_cast<long>(&dfl), 0, 8);
    uint64_t unblock = 1ULL << (sig - 1);
    Raw(SYS_rt_sigprocmask, SIG_UNBLOCK, reinterpret_cast<long>(&unblock), 0, 8);
    Raw(SYS_kill, s.pid, sig);
  }
  for (;;) syscall(SYS_exit_group, (s.zombieStatus >> 8) & 0xff);
}

// Runs task `index` of the tree: it creates its own children first (they inherit its
// session, group and the fds this process prepared), then becomes itself.
[[noreturn]] void RunChild(const std::vector<ChildSpec>& all, size_t index) {
  const ChildSpec& s = all[index];
  int report = s.sharesFiles ? s.reportFdTarget : s.reportFd;
  Call last;
  if (s.dieWithParent) {
    if (Raw(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != s.parent) Die(report, s.pid, RST_STEP_PARENT_DEATH, -ESRCH);
  }
  // A group its creator puts it in is joined here too, as shells do: until then the task would
  // be in its creator's group, and could take the terminal's foreground for that one (below).
  long session = s.newSession ? SYS_CALL(last, setsid)
      : s.ownGroup ? SYS_CALL(last, setpgid, 0, 0)
      : s.pgidByParent ? SYS_CALL(last, setpgid, 0, s.pgidByParent) : 0;
  if (session < 0) Die(report, s.pid, RST_STEP_SESSION, session, &last);
  // Before its children exist: they are born into a session that has its terminal, and the one
  // that leads the foreground group can take it.
  if (s.cttyFd >= 0) {
    long r = SYS_CALL(last, ioctl, s.cttyFd, TIOCSCTTY, 0);
    if (r < 0) Die(report, s.pid, RST_STEP_TTY, r, &last);
  }
  long subreaper = s.subreaper ? SYS_CALL(last, prctl, PR_SET_CHILD_SUBREAPER, 1) : 0;
  if (subreaper < 0) Die(report, s.pid, RST_STEP_SESSION, subreaper, &last);
  if (s.unshareFlags) {
    long r = SYS_CALL(last, unshare, s.unshareFlags);
    if (r < 0) Die(report, s.pid, RST_STEP_NAMESPACES, r, &last);
    for (const auto& [file, value] : s.writes) {
      r = WriteFile(file.c_str(), value.data(), value.size(), last);
      if (r < 0) Die(report, s.pid, RST_STEP_NAMESPACES, r, &last);
    }
    // A new time namespace is its children's; with its offsets written, the task enters it too.
    if (s.unshareFlags & CLONE_NEWTIME) {
      long fd = SYS_CALL(last, openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/ns/time_for_children"), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) r = SYS_CALL(last, setns, fd, CLONE_NEWTIME);
      if (fd >= 0) Raw(SYS_close, fd);
      if (fd < 0 || r < 0) Die(report, s.pid, RST_STEP_NAMESPACES, fd < 0 ? fd : r, &last);
    }
  }
  for (size_t c : s.children)
    if (!all[c].sharesFiles) CreateChild(all, c, report, last);
  if (s.zombieStatus >= 0) BecomeZombie(s);
  // A task sharing its creator's fds was cloned after the creator dropped node's rseq.
  long r = s.sharesFiles ? 0 : DropInheritedRseq(last);
  if (r < 0) Die(report, s.pid, RST_STEP_RSEQ_DROP, r, &last);
  if (s.faultStep == RST_STEP_FDS) Die(report, s.pid, RST_STEP_FDS, -ECANCELED);
  if (!s.sharesFiles) {
    r = PlaceFds(s, last);
    if (r < 0) Die(report, s.pid, RST_STEP_FDS, r, &last);
  }
  report = s.reportFdTarget;
  // The table they share holds their fds (and their service fds) now.
  for (size_t c : s.children)
    if (all[c].sharesFiles) CreateChild(all, c, report, last);
  // Through /proc, so before a chroot can take it out of reach.
  if (s.setsOomScoreAdj) {
    r = SetOomScoreAdj(s.oomScoreAdj, last);
    if (r < 0) Die(report, s.pid, RST_STEP_OOM_SCORE, r, &last);
  }
  Raw(SYS_umask, s.umask);
  r = SYS_CALL(last, chdir, reinterpret_cast<long>(s.cwd.c_str()));
  if (r < 0) Die(report, s.pid, RST_STEP_FS, r, &last);
  if (s.root != "/") {
    r = SYS_CALL(last, chroot, reinterpret_cast<long>(s.root.c_str()));
    if (r < 0) Die(report, s.pid, RST_STEP_FS, r, &last);
  }
  if (s.foregroundFd >= 0) {
    // From a background group this needs SIGTTOU blocked, as every signal is here until the
    // blob puts the task's own mask back; the ioctl number is this arch's own.
    pid_t group = static_cast<pid_t>(Raw(SYS_getpgid, 0));
    r = SYS_CALL(last, ioctl, s.foregroundFd, TIOCSPGRP, reinterpret_cast<long>(&group));
    if (r < 0) Die(report, s.pid, RST_STEP_TTY, r, &last);
  }
  // The blobs' own syscall, which knows the arch's form of mmap.
  last = Call{"mmap", 6, {static_cast<long>(s.region), static_cast<long>(s.regionLen), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0}};
  r = blob_syscall6(__NR_mmap, last.args[0], last.args[1], last.args[2], last.args[3], last.args[4], last.args[5]);
  if (r < 0) Die(report, s.pid, RST_STEP_BLOB_MAP, r, &last);
  if (static_cast<uintptr_t>(r) != s.region) Die(report, s.pid, RST_STEP_BLOB_MAP, -EEXIST, &last);
  __builtin_memcpy(reinterpret_cast<void*>(s.region), s.code.data(), s.code.size());
  __builtin_memcpy(reinterpret_cast<void*>(s.argsAddr), s.args.data(), s.args.size());
  size_t codePages = (s.code.size() + kPageSize - 1) & ~(kPageSize - 1);
  r = SYS_CALL(last, mprotect, s.region, codePages, PROT_READ | PROT_EXEC);
  if (r < 0) Die(report, s.pid, RST_STEP_BLOB_MAP, r, &last);
  reinterpret_cast<void (*)(uintptr_t, uintptr_t)>(s.region)(s.argsAddr, s.stackTop);
  Die(report, s.pid, RST_STEP_BLOB_MAP, -EFAULT);
}

// clone3 as a plain fork (or sharing what flags say), or with set_tid = the old PID.
long Clone3(pid_t pid, Call& last, uint64_t flags, int exitSignal) {
  struct clone_args ca = {};
  ca.flags = flags;
  ca.exit_signal = static_cast<uint64_t>(exitSignal);
  pid_t tid = pid;
  if (pid > 0) {
    ca.set_tid = reinterpret_cast<uintptr_t>(&tid);
    ca.set_tid_size = 1;
  }
  return SYS_CALL(last, clone3, reinterpret_cast<long>(&ca), sizeof(ca));
}

uint64_t BigU64(const Napi::Value& v) {
  bool lossless = true;
  return v.As<Napi::BigInt>().Uint64Value(&lossless);
}

ChildSpec ReadSpec(const Napi::Object& o) {
  ChildSpec s;
  s.pid = o.Get("pid").As<Napi::Number>().Int32Value();
  s.newSession = o.Get("newSession").As<Napi::Boolean>().Value();
  s.ownGroup = o.Get("ownGroup").As<Napi::Boolean>().Value();
  s.pgidByParent = o.Get("pgidByParent").As<Napi::Number>().Int32Value();
  Napi::Array children = o.Get("children").As<Napi::Array>();
  for (uint32_t i = 0; i < children.Length(); i++) s.children.push_back(children.Get(i).As<Napi::Number>().Uint32Value());
  s.reportFd = o.Get("reportFd").As<Napi::Number>().Int32Value();
  s.subreaper = o.Has("subreaper") && o.Get("subreaper").As<Napi::Boolean>().Value();
  if (o.Has("exitSignal")) s.exitSignal = o.Get("exitSignal").As<Napi::Number>().Int32Value();
  if (o.Has("namespaces")) {
    Napi::Object ns = o.Get("namespaces").As<Napi::Object>();
    s.unshareFlags = ns.Get("flags").As<Napi::Number>().Int64Value();
    Napi::Array writes = ns.Get("writes").As<Napi::Array>();
    for (uint32_t i = 0; i < writes.Length(); i++) {
      Napi::Array w = writes.Get(i).As<Napi::Array>();
      s.writes.emplace_back(w.Get(0u).As<Napi::String>().Utf8Value(), w.Get(1u).As<Napi::String>().Utf8Value());
    }
  }
  if (o.Has("exitStatus")) {
    s.zombieStatus = o.Get("exitStatus").As<Napi::Number>().Int32Value() & 0xffff;
    s.helper = o.Has("helper") && o.Get("helper").As<Napi::Boolean>().Value();
    return s;
  }
  s.sharesFiles = o.Has("sharesFiles") && o.Get("sharesFiles").As<Napi::Boolean>().Value();
  s.stagingBase = o.Get("stagingBase").As<Napi::Number>().Int32Value();
  s.reportFdTarget = o.Get("reportFdTarget").As<Napi::Number>().Int32Value();
  if (o.Has("foregroundFd")) s.foregroundFd = o.Get("foregroundFd").As<Napi::Number>().Int32Value();
  if (o.Has("cttyFd")) s.cttyFd = o.Get("cttyFd").As<Napi::Number>().Int32Value();
  if (o.Has("oomScoreAdj")) {
    s.setsOomScoreAdj = true;
    s.oomScoreAdj = o.Get("oomScoreAdj").As<Napi::Number>().Int32Value();
  }
  Napi::Int32Array fds = o.Get("fds").As<Napi::Int32Array>();
  for (size_t i = 0; i + 2 < fds.ElementLength(); i += 3) s.fds.push_back({fds[i], fds[i + 1], fds[i + 2] != 0});
  s.umask = o.Get("umask").As<Napi::Number>().Uint32Value();
  s.cwd = o.Get("cwd").As<Napi::String>().Utf8Value();
  s.root = o.Get("root").As<Napi::String>().Utf8Value();
  s.region = BigU64(o.Get("region"));
  s.regionLen = BigU64(o.Get("regionLen"));
  Napi::Buffer<uint8_t> code = o.Get("code").As<Napi::Buffer<uint8_t>>();
  s.code.assign(code.Data(), code.Data() + code.Length());
  Napi::Buffer<uint8_t> args = o.Get("args").As<Napi::Buffer<uint8_t>>();
  s.args.assign(args.Data(), args.Data() + args.Length());
  s.argsAddr = BigU64(o.Get("argsAddr"));
  s.stackTop = BigU64(o.Get("stackTop"));
  s.faultStep = o.Get("faultStep").As<Napi::Number>().Uint32Value();
  return s;
}

// restoreSpawn(detached, tasks) -> pid of our direct child. tasks[0] is the root; each
// task names the ones it creates. Not detached: our child is the root task itself.
// Detached: it is a short-lived intermediate that creates the root and exits at once
// (so init, not node, becomes its parent); the caller reaps it. Errors of the steps in
// the new tasks come through the report pipe.
Napi::Value RestoreSpawn(const Napi::CallbackInfo& info) {
  bool detached = info[0].As<Napi::Boolean>().Value();
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<ChildSpec> all;
  for (uint32_t i = 0; i < list.Length(); i++) {
    all.push_back(ReadSpec(list.Get(i).As<Napi::Object>()));
    if (info.Env().IsExceptionPending()) return info.Env().Undefined();
    if (i == 0) {
      all[0].dieWithParent = !detached;
      all[0].parent = getpid();
    } else {
      all[i].dieWithParent = !detached;  // with the task that creates it
    }
  }
  for (ChildSpec& s : all)
    for (size_t c : s.children) {
      if (c == 0 || c >= all.size()) return ThrowErrno(info.Env(), EINVAL, "restoreSpawn(bad task index)");
      all[c].parent = s.pid;
    }
  // The root has no creator whose fd table it could share; one that did would keep ours.
  if (all.empty() || all[0].sharesFiles) return ThrowErrno(info.Env(), EINVAL, "restoreSpawn(root sharing an fd table)");
  const ChildSpec& spec = all[0];

  sigset_t blocked, old;
  sigfillset(&blocked);
  pthread_sigmask(SIG_SETMASK, &blocked, &old);
  Call clone;
  long child = Clone3(detached ? 0 : spec.pid, clone);
  if (child == 0) {
    if (detached) {
      long task = Clone3(spec.pid, clone);
      if (task == 0) RunChild(all, 0);
      if (task < 0) Die(spec.reportFd, spec.pid, RST_STEP_CLONE, task, &clone);
      for (;;) syscall(SYS_exit_group, 0);
    }
    RunChild(all, 0);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (child < 0) return ThrowErrno(info.Env(), static_cast<int>(-child), "clone3(set_tid=" + std::to_string(spec.pid) + ")");
  return Napi::Number::New(info.Env(), static_cast<double>(child));
}
CRIU_TS_EXPORT("restoreSpawn", RestoreSpawn);

// lseek(fd, offset, whence) -> new offset; node's fs has no way to move a file position.
Napi::Value Lseek(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  off_t off = static_cast<off_t>(BigU64(info[1]));
  int whence = info[2].As<Napi::Number>().Int32Value();
  off_t r = lseek(fd, off, whence);
  if (r < 0) return ThrowErrno(info.Env(), errno, "lseek(" + std::to_string(fd) + ")");
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(r));
}
CRIU_TS_EXPORT("lseek", Lseek);

// shmemCreate(size) -> fd of a new shared anonymous memory object (what mmap of
// MAP_SHARED|MAP_ANONYMOUS creates, "/dev/zero (deleted)" in maps), taken from
// /proc/self/map_files so that tasks can map it, and we fill it, through the fd.
Napi::Value ShmemCreate(const Napi::CallbackInfo& info) {
  size_t size = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  void* at = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (at == MAP_FAILED) return ThrowErrno(info.Env(), errno, "mmap(MAP_SHARED|MAP_ANONYMOUS, " + std::to_string(size) + ")");
  char path[64];
  uintptr_t start = reinterpret_cast<uintptr_t>(at);
  snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", static_cast<unsigned long>(start), static_cast<unsigned long>(start + size));
  int fd = open(path, O_RDWR | O_CLOEXEC);
  int err = errno;
  munmap(at, size);
  if (fd < 0) return ThrowErrno(info.Env(), err, std::string("open(") + path + ")");
  return Napi::Number::New(info.Env(), fd);
}
CRIU_TS_EXPORT("shmemCreate", ShmemCreate);

}  // namespace

}  // namespace criu_ts
