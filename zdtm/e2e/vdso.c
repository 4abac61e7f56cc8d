/*
 * Reads the clocks through the vDSO (glibc's clock_gettime) in a loop and checks that
 * CLOCK_MONOTONIC never goes back and CLOCK_REALTIME agrees with the time() syscall.
 */
#include <sys/syscall.h>
#include <time.h>
#include "daemon.h"

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	ready(argv);
	struct timespec last = { 0 };
	for (unsigned long i = 0;; i++) {
		struct timespec mono, real;
		clock_gettime(CLOCK_MONOTONIC, &mono);
		clock_gettime(CLOCK_REALTIME, &real);
		long now = syscall(SYS_time, NULL);
		if (mono.tv_sec < last.tv_sec || (mono.tv_sec == last.tv_sec && mono.tv_nsec < last.tv_nsec) ||
		    real.tv_sec < now - 1 || real.tv_sec > now + 1) {
			printf("FAIL at %lu\n", i);
			return 1;
		}
		last = mono;
		printf("ok %lu %ld\n", i, (long)mono.tv_sec);
		usleep(10000);
	}
}
