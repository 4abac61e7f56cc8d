/*
 * Forks all the time: a child every millisecond that lives two and exits 7, reaped as it
 * goes; every 50 children reaped with the right status it prints the count, and "BAD" for
 * a wrong one. A dump that catches it between fork and exit must get a consistent tree or
 * fail cleanly, and the program counts on either way.
 */
#include <sys/wait.h>
#include "daemon.h"

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	ready(argv);
	unsigned long reaped = 0;
	for (;;) {
		pid_t child = fork();
		if (child == 0) {
			usleep(2000);
			_exit(7);
		}
		if (child < 0)
			printf("BAD fork\n");
		usleep(1000);
		int status;
		pid_t got;
		while ((got = waitpid(-1, &status, WNOHANG)) > 0) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
				printf("BAD status %d of %d\n", status, got);
			if (++reaped % 50 == 0)
				printf("%lu\n", reaped);
		}
	}
}
