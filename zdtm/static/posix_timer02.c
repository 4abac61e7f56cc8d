/* POSIX timers aimed at one thread (SIGEV_THREAD_ID) keep their target: after restore each
 * periodic timer's signal is still taken by its own thread, never by another one. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define PERIOD_NS 10000000
#define NR 2	/* timer 0 -> main thread, SIGRTMIN+2; timer 1 -> worker, SIGRTMIN+3 */

static volatile pid_t target_tid[NR];
static volatile int ticks[NR], wrong[NR];
static volatile uint32_t ready, stop;

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	int i = sig - (SIGRTMIN + 2);

	(void)uc;
	if (i < 0 || i >= NR || si->si_code != SI_TIMER || si->si_value.sival_int != 100 + i ||
	    syscall(SYS_gettid) != target_tid[i])
		wrong[i < 0 || i >= NR ? 0 : i]++;
	else
		ticks[i]++;
}

static void *worker(void *arg)
{
	(void)arg;
	target_tid[1] = syscall(SYS_gettid);
	flag_set(&ready, 1);
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST))
		pause();
	return NULL;
}

/* The "notify:" line of /proc/self/timers for timer id, e.g. "signal/12345"... 0 or -1. */
static int notify_of(timer_t id, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/timers", "r");
	char line[256];
	int cur = -1, found = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ID: %d", &cur) == 1)
			continue;
		if (cur == (int)(intptr_t)id && !strncmp(line, "notify: ", 8)) {
			line[strcspn(line, "\n")] = 0;
			strncpy(buf, line + 8, size - 1);
			buf[size - 1] = 0;
			found = 0;
		}
	}
	if (f)
		fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_tick, .sa_flags = SA_SIGINFO | SA_RESTART };
	struct itimerspec its = { { 0, PERIOD_NS }, { 0, PERIOD_NS } };
	char before[NR][64], after[64];
	struct sigevent sev;
	timer_t id[NR];
	pthread_t t;
	int i, n, base[NR];

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	target_tid[0] = syscall(SYS_gettid);
	if (sigaction(SIGRTMIN + 2, &sa, NULL) || sigaction(SIGRTMIN + 3, &sa, NULL) ||
	    pthread_create(&t, NULL, worker, NULL)) {
		fail_errno("setup");
		return 1;
	}
	flag_wait(&ready, 1);
	for (i = 0; i < NR; i++) {
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGRTMIN + 2 + i;
		sev.sigev_value.sival_int = 100 + i;
		sev.sigev_notify_thread_id = target_tid[i];
		if (timer_create(CLOCK_MONOTONIC, &sev, &id[i]) || timer_settime(id[i], 0, &its, NULL)) {
			fail_errno("timer %d", i);
			return 1;
		}
		if (notify_of(id[i], before[i], sizeof(before[i]))) {
			fail("timer %d is not in /proc/self/timers", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR; i++)
		if (notify_of(id[i], after, sizeof(after)) || strcmp(after, before[i])) {
			fail("timer %d notifies \"%s\", expected \"%s\"", i, after, before[i]);
			return 1;
		}
	for (i = 0; i < NR; i++)
		base[i] = ticks[i];
	/* 5 ticks of each are due within 50 ms; give them 2 s. */
	for (n = 0; n < 400 && (ticks[0] - base[0] < 5 || ticks[1] - base[1] < 5); n++)
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	for (i = 0; i < NR; i++) {
		if (wrong[i]) {
			fail("timer %d: %d signals taken by the wrong thread or with wrong siginfo", i, wrong[i]);
			return 1;
		}
		if (ticks[i] - base[i] < 5) {
			fail("timer %d: only %d ticks in 2 s after restore", i, ticks[i] - base[i]);
			return 1;
		}
	}
	pass();
	return 0;
}
