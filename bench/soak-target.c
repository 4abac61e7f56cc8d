// The soak's target: three threads, a pipe, a unix socketpair, a timerfd and an interval timer,
// all used all the time. Every 10 ms the main thread checks each of them still works (bytes
// come back through the pipe and the socket in order, the timers tick, the workers count on)
// and writes "<rounds> <errors>\n" to the status file given as argv[1]. Runs until killed.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static atomic_ulong worked[2];
static volatile sig_atomic_t alarms;

static void *worker(void *arg) {
  atomic_ulong *n = arg;
  for (;;) {
    atomic_fetch_add(n, 1);
    usleep(1000);
  }
  return NULL;
}

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  int pipefd[2], sk[2];
  if (pipe(pipefd) || socketpair(AF_UNIX, SOCK_STREAM, 0, sk)) return 1;
  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec ts = {{0, 5000000}, {0, 5000000}};
  if (tfd < 0 || timerfd_settime(tfd, 0, &ts, NULL)) return 1;
  signal(SIGALRM, on_alarm);
  struct itimerval it = {{0, 20000}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, &worked[i]);

  unsigned long rounds = 0, errors = 0, seq = 0;
  unsigned long last[2] = {0, 0};
  for (;;) {
    struct timespec pause = {0, 10000000};
    while (nanosleep(&pause, &pause) && errno == EINTR) {}
    unsigned long out = seq++, in = 0;
    if (write(pipefd[1], &out, sizeof out) != sizeof out || read(pipefd[0], &in, sizeof in) != sizeof in || in != out) errors++;
    if (send(sk[0], &out, sizeof out, 0) != sizeof out || recv(sk[1], &in, sizeof in, 0) != sizeof in || in != out) errors++;
    unsigned long long ticks = 0;
    if (read(tfd, &ticks, sizeof ticks) != sizeof ticks || ticks == 0) errors++;
    rounds++;
    if (rounds % 10 == 0) {
      // Every 100 ms: the workers counted on and the interval timer fired.
      for (int i = 0; i < 2; i++) {
        unsigned long now = atomic_load(&worked[i]);
        if (now == last[i]) errors++;
        last[i] = now;
      }
      if (alarms == 0) errors++;
      alarms = 0;
      FILE *f = fopen(argv[1], "w");
      if (f) {
        fprintf(f, "%lu %lu\n", rounds, errors);
        fclose(f);
      }
    }
  }
}
