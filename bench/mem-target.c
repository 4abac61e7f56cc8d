/* Benchmark target: daemonizes, fills N MiB with pseudo-random bytes, writes its PID to a
 * file, then idles. Its parent is a keeper that only waits for it, so that once a dump kills
 * it, it is reaped at once (an orphan waits for init, which here reaps late, and the dump
 * waits for the PID to be free). On SIGTERM it recomputes the checksum of the region and writes "OK <sum>"
 * or "BAD <sum> <expected>" to the result file, so the benchmark knows the restore was real. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

static uint64_t checksum(const uint64_t *p, size_t words) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < words; i++) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MIB PIDFILE RESULTFILE\n", argv[0]);
    return 2;
  }
  size_t bytes = (size_t)atol(argv[1]) << 20;

  pid_t keeper = fork();
  if (keeper < 0) return 1;
  if (keeper > 0) return 0; /* the starter returns; the keeper and the target live on */
  /* Let go of the starter's stdio, so whoever waits for the starter's output is not held. */
  int null = open("/dev/null", O_RDWR);
  if (null < 0) return 1;
  dup2(null, 0), dup2(null, 1), dup2(null, 2);
  if (null > 2) close(null);
  pid_t target = fork();
  if (target < 0) return 1;
  if (target > 0) {
    while (waitpid(target, NULL, 0) < 0 && errno == EINTR)
      ;
    return 0;
  }
  setsid(); /* the target leads its own session: nothing of the tree is outside it */

  uint64_t *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (size_t i = 0; i < bytes / 8; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64: incompressible, never zero pages */
    mem[i] = x;
  }
  uint64_t expected = checksum(mem, bytes / 8);
  signal(SIGTERM, on_term);
  char tmp[4096];
  snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
  FILE *f = fopen(tmp, "w");
  if (!f) return 1;
  fprintf(f, "%d\n", getpid());
  fclose(f);
  rename(tmp, argv[2]);
  while (!stop) pause();

  uint64_t got = checksum(mem, bytes / 8);
  f = fopen(argv[3], "w");
  if (!f) return 1;
  if (got == expected) fprintf(f, "OK %016llx\n", (unsigned long long)got);
  else fprintf(f, "BAD %016llx %016llx\n", (unsigned long long)got, (unsigned long long)expected);
  fclose(f);
  return 0;
}
