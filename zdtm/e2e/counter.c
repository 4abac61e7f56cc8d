/* Counts up, one line every 10 ms: after a restore the count goes on, never restarts. */
#include "daemon.h"

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	ready(argv);
	for (unsigned long i = 0;; i++) {
		printf("%lu\n", i);
		usleep(10000);
	}
}
