/* Thread-local variables keep each thread's own values (the thread pointer register is restored). */
#include <stdio.h>

#include "zdtmlib.h"

#define NR_THREADS 4

static __thread uint64_t tls_value;
static __thread char tls_text[32];

static void set_tls(int i)
{
	tls_value = 0x1111111111111111ULL * (i + 1);
	snprintf(tls_text, sizeof(tls_text), "thread-%d", i);
}

static int tls_intact(int i)
{
	char want[32];

	snprintf(want, sizeof(want), "thread-%d", i);
	return tls_value == 0x1111111111111111ULL * (i + 1) && !strcmp(tls_text, want);
}

int main(int argc, char **argv)
{
	int bad;

	test_init(argc, argv);
	set_tls(0);
	if (test_threads_start(NR_THREADS - 1, set_tls, tls_intact)) {
		fail("cannot start threads");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!tls_intact(0)) {
		fail("main thread's TLS changed");
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's TLS changed", bad);
		return 1;
	}
	pass();
	return 0;
}
