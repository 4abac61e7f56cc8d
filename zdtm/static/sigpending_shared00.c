/* In a three-thread process, signals pending for the whole process (ShdPnd) and for each thread
 * (SigPnd) stay where they were queued: exactly the same sets, and queued RT payloads in order. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_THREADS 2

static volatile pid_t tids[NR_THREADS + 1];
static volatile uint32_t ready, check, done;
static volatile int result[NR_THREADS + 1];

static unsigned long long bit(int sig)
{
	return 1ULL << (sig - 1);
}

/* The hex mask of key in the status of thread tid; ~0 on error. */
static unsigned long long mask_of(pid_t tid, const char *key)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, key)))
		return ~0ULL;
	return strtoull(p + strlen(key) + 1, NULL, 16);
}

/* What thread i expects of its own queue, in order: signal and value (0 for standard ones). */
static int take(int i)
{
	sigset_t set;
	siginfo_t si;
	int k;

	sigemptyset(&set);
	if (i == 1) {
		/* SIGUSR2, then SIGRTMIN+4 queued 3 times with 11, 12, 13. */
		sigaddset(&set, SIGUSR2);
		if (sigwaitinfo(&set, &si) != SIGUSR2)
			return 1;
		sigemptyset(&set);
		sigaddset(&set, SIGRTMIN + 4);
		for (k = 0; k < 3; k++)
			if (sigwaitinfo(&set, &si) != SIGRTMIN + 4 || si.si_value.sival_int != 11 + k)
				return 2 + k;
	} else if (i == 2) {
		sigaddset(&set, SIGRTMIN + 5);
		for (k = 0; k < 2; k++)
			if (sigwaitinfo(&set, &si) != SIGRTMIN + 5 || si.si_value.sival_int != 21 + k)
				return 5 + k;
	}
	return 0;
}

static void *worker(void *arg)
{
	int i = (int)(intptr_t)arg;

	tids[i] = syscall(SYS_gettid);
	flag_inc(&ready);
	flag_wait(&check, 1);
	result[i] = take(i);
	flag_inc(&done);
	return NULL;
}

static int queue(pid_t tid, int sig, int value)
{
	siginfo_t si = { .si_signo = sig, .si_code = SI_QUEUE, .si_pid = getpid(), .si_uid = getuid() };

	si.si_value.sival_int = value;
	return syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si);
}

int main(int argc, char **argv)
{
	unsigned long long shd, pnd[NR_THREADS + 1], want_pnd[NR_THREADS + 1], want_shd;
	pthread_t t[NR_THREADS];
	sigset_t block, set;
	siginfo_t si;
	int i, k;

	test_init(argc, argv);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGRTMIN + 4);
	sigaddset(&block, SIGRTMIN + 5);
	sigaddset(&block, SIGRTMIN + 6);
	if (sigprocmask(SIG_BLOCK, &block, NULL)) {
		fail_errno("sigprocmask");
		return 1;
	}
	tids[0] = syscall(SYS_gettid);
	for (i = 0; i < NR_THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(i + 1))) {
			fail("pthread_create");
			return 1;
		}
	flag_wait(&ready, NR_THREADS);
	/* The process: SIGUSR1 and SIGRTMIN+6 x2 (31, 32). Thread 1: SIGUSR2, SIGRTMIN+4 x3.
	 * Thread 2: SIGRTMIN+5 x2. The main thread: nothing of its own. */
	if (kill(getpid(), SIGUSR1) || sigqueue(getpid(), SIGRTMIN + 6, (union sigval){ .sival_int = 31 }) ||
	    sigqueue(getpid(), SIGRTMIN + 6, (union sigval){ .sival_int = 32 }) ||
	    syscall(SYS_tgkill, getpid(), tids[1], SIGUSR2) || queue(tids[1], SIGRTMIN + 4, 11) ||
	    queue(tids[1], SIGRTMIN + 4, 12) || queue(tids[1], SIGRTMIN + 4, 13) ||
	    queue(tids[2], SIGRTMIN + 5, 21) || queue(tids[2], SIGRTMIN + 5, 22)) {
		fail_errno("queueing signals");
		return 1;
	}
	want_shd = bit(SIGUSR1) | bit(SIGRTMIN + 6);
	want_pnd[0] = 0;
	want_pnd[1] = bit(SIGUSR2) | bit(SIGRTMIN + 4);
	want_pnd[2] = bit(SIGRTMIN + 5);

	test_daemon();
	test_waitsig();

	shd = mask_of(tids[0], "ShdPnd:");
	for (i = 0; i <= NR_THREADS; i++)
		pnd[i] = mask_of(tids[i], "SigPnd:");
	if (shd != want_shd) {
		fail("process-wide pending %llx, expected %llx", shd, want_shd);
		return 1;
	}
	for (i = 0; i <= NR_THREADS; i++)
		if (pnd[i] != want_pnd[i]) {
			fail("thread %d pending %llx, expected %llx", i, pnd[i], want_pnd[i]);
			return 1;
		}
	flag_set(&check, 1);
	flag_wait(&done, NR_THREADS);
	for (i = 1; i <= NR_THREADS; i++) {
		pthread_join(t[i - 1], NULL);
		if (result[i]) {
			fail("thread %d: its own queue came back wrong (check %d)", i, result[i]);
			return 1;
		}
	}
	/* The process queue, taken by the main thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigwaitinfo(&set, &si) != SIGUSR1) {
		fail("SIGUSR1 lost from the process queue");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 6);
	for (k = 0; k < 2; k++)
		if (sigwaitinfo(&set, &si) != SIGRTMIN + 6 || si.si_value.sival_int != 31 + k) {
			fail("process queue: SIGRTMIN+6 #%d wrong or lost", k);
			return 1;
		}
	if (sigpending(&set) || !sigisemptyset(&set)) {
		fail("signals left pending that were never queued");
		return 1;
	}
	pass();
	return 0;
}
