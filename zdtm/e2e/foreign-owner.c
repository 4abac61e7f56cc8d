/*
 * A pipe whose owner (F_SETOWN) is a process outside the program: PID 1 (not its parent,
 * which may be exiting, and then owns nothing). Restore could not set that owner from inside
 * the program, so the dump must refuse it. Counts up, one line every 10 ms.
 */
#include <fcntl.h>
#include "daemon.h"

int main(int argc, char **argv)
{
	int p[2];

	(void)argc;
	daemonize(argv);
	if (pipe(p) || fcntl(p[0], F_SETOWN, 1))
		printf("BAD setup\n");
	ready(argv);
	for (unsigned long i = 0;; i++) {
		printf("%lu\n", i);
		usleep(10000);
	}
}
