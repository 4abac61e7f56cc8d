// Reading state from inside a namespace: /proc/sys and /proc/sysvipc show the namespaces of the
// thread that reads them, so the calling thread enters the namespace (setns is per thread),
// reads, and returns to its own before anything else runs on it. What needs a mount (an IPC
// namespace's message queues) is read by a forked helper in a mount namespace of its own.
#include "addon.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace criu_ts {

static int NsType(const std::string& kind) {
  if (kind == "uts") return CLONE_NEWUTS;
  if (kind == "ipc") return CLONE_NEWIPC;
  if (kind == "net") return CLONE_NEWNET;
  return -1;
}

// The whole file, or false with errno set.
static bool ReadWhole(const std::string& path, std::string& out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      close(fd);
      errno = err;
      return n == 0;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

// readFilesIn(nsFd, kind, paths) -> each path's contents (null where it could not be read) as
// read from inside the `kind` ("uts", "ipc", "net") namespace nsFd is open on.
static Napi::Value ReadFilesIn(const Napi::CallbackInfo& info) {
  int target = info[0].As<Napi::Number>().Int32Value();
  std::string kind = info[1].As<Napi::String>().Utf8Value();
  Napi::Array paths = info[2].As<Napi::Array>();
  int type = NsType(kind);
  if (type < 0) return ThrowErrno(info.Env(), EINVAL, "setns(" + kind + ")");
  std::vector<std::string> names;
  for (uint32_t i = 0; i < paths.Length(); i++) names.push_back(paths.Get(i).As<Napi::String>().Utf8Value());
  std::string self = "/proc/thread-self/ns/" + kind;
  int ours = open(self.c_str(), O_RDONLY | O_CLOEXEC);
  if (ours < 0) return ThrowErrno(info.Env(), errno, "open(" + self + ")");
  if (setns(target, type) < 0) {
    int err = errno;
    close(ours);
    return ThrowErrno(info.Env(), err, "setns(" + kind + ")");
  }
  std::vector<std::string> contents(names.size());
  std::vector<bool> read(names.size());
  for (size_t i = 0; i < names.size(); i++) read[i] = ReadWhole(names[i], contents[i]);
  // Back home first: nothing may run on this thread in the target's namespace.
  if (setns(ours, type) < 0) abort();
  close(ours);
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); i++)
    out.Set(static_cast<uint32_t>(i), read[i] ? Napi::Value(Napi::String::New(info.Env(), contents[i])) : info.Env().Null());
  return out;
}
CRIU_TS_EXPORT("readFilesIn", ReadFilesIn);

// mqueueNames(ipcNsFd, dir) -> the names of the POSIX message queues of that IPC namespace,
// newline-separated: a helper enters it, makes its own private mount namespace, mounts the
// namespace's mqueue filesystem on dir there and lists it; nothing of that is seen outside.
static Napi::Value MqueueNames(const Napi::CallbackInfo& info) {
  int target = info[0].As<Napi::Number>().Int32Value();
  std::string dir = info[1].As<Napi::String>().Utf8Value();
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) return ThrowErrno(info.Env(), errno, "pipe2");
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(pipefd[0]);
    close(pipefd[1]);
    return ThrowErrno(info.Env(), err, "fork");
  }
  if (pid == 0) {
    // Only raw syscalls here: this is a fork of a multithreaded process. The exit code is the errno.
    auto fail = [](long r) { if (r < 0) syscall(SYS_exit_group, errno & 0x7f); };
    fail(syscall(SYS_setns, target, CLONE_NEWIPC));
    fail(syscall(SYS_unshare, CLONE_NEWNS));
    fail(syscall(SYS_mount, 0, "/", 0, MS_REC | MS_PRIVATE, 0));
    fail(syscall(SYS_mount, "mqueue", dir.c_str(), "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0));
    long fd = syscall(SYS_openat, AT_FDCWD, dir.c_str(), O_RDONLY | O_DIRECTORY);
    fail(fd);
    alignas(8) char buf[4096];
    for (;;) {
      long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
      fail(n);
      if (n == 0) break;
      for (long at = 0; at < n;) {
        struct dirent64* d = reinterpret_cast<struct dirent64*>(buf + at);
        at += d->d_reclen;
        size_t len = 0;
        while (d->d_name[len]) len++;
        if ((len == 1 && d->d_name[0] == '.') || (len == 2 && d->d_name[0] == '.' && d->d_name[1] == '.')) continue;
        d->d_name[len] = '\n';
        fail(syscall(SYS_write, pipefd[1], d->d_name, len + 1));
      }
    }
    syscall(SYS_exit_group, 0);
  }
  close(pipefd[1]);
  std::string names;
  char buf[4096];
  for (;;) {
    ssize_t n = read(pipefd[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    names.append(buf, static_cast<size_t>(n));
  }
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, __WALL) < 0) {
    if (errno != EINTR) return ThrowErrno(info.Env(), errno, "waitpid(mqueue helper)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int err = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
    return ThrowErrno(info.Env(), err, "mount(mqueue) in the helper");
  }
  return Napi::String::New(info.Env(), names);
}
CRIU_TS_EXPORT("mqueueNames", MqueueNames);

}  // namespace criu_ts
