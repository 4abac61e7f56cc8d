/* A SIGUSR1 handler that counts; the main loop prints each new count. */
#include <signal.h>
#include "daemon.h"

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	ready(argv);
	for (int seen = 0;;) {
		if (hits != seen) {
			seen = hits;
			printf("got %d\n", seen);
		}
		usleep(5000);
	}
}
