/* 64 threads each keep their tid, their own __thread value and their own name (PR_SET_NAME). */
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_THREADS 64

static __thread uint64_t tls_value;
static pid_t tids[NR_THREADS];

static uint64_t value_of(int i)
{
	return 0x9e3779b97f4a7c15ULL * (i + 1);
}

static void name_of(int i, char *buf)
{
	snprintf(buf, 16, "zdtm-t%02d-%c", i, 'a' + i % 26);
}

static void setup(int i)
{
	char name[16];

	tls_value = value_of(i);
	tids[i] = syscall(SYS_gettid);
	name_of(i, name);
	prctl(PR_SET_NAME, name);
}

static int check(int i)
{
	char want[16], got[17] = "";

	name_of(i, want);
	prctl(PR_GET_NAME, got);
	if (tls_value != value_of(i)) {
		test_msg("thread %d: tls %llx\n", i, (unsigned long long)tls_value);
		return 0;
	}
	if (tids[i] != syscall(SYS_gettid)) {
		test_msg("thread %d: tid %ld, was %d\n", i, (long)syscall(SYS_gettid), tids[i]);
		return 0;
	}
	if (strcmp(want, got)) {
		test_msg("thread %d: name \"%s\", expected \"%s\"\n", i, got, want);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	char path[64], comm[32], want[16];
	int i, bad;

	test_init(argc, argv);
	setup(0);
	if (test_threads_start(NR_THREADS - 1, setup, check)) {
		fail("cannot start threads");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* Every thread's name as seen from outside, before the threads are woken. */
	for (i = 0; i < NR_THREADS; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tids[i]);
		if (read_text(path, comm, sizeof(comm)) < 0) {
			fail_errno("thread %d (tid %d) is gone", i, tids[i]);
			return 1;
		}
		comm[strcspn(comm, "\n")] = '\0';
		name_of(i, want);
		if (strcmp(comm, want)) {
			fail("tid %d is named \"%s\", expected \"%s\"", tids[i], comm, want);
			return 1;
		}
	}
	if (!check(0)) {
		fail("main thread's state changed");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's state changed", bad);
		return 1;
	}
	pass();
	return 0;
}
