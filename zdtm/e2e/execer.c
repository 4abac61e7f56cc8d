/*
 * Execs itself all the time: every 5 ms it prints its generation and execs /proc/self/exe
 * with the next one (same pid, same stdout). A dump that catches it in execve must get the
 * old program or the new one, or fail cleanly, and the generations go on either way.
 */
#include <string.h>
#include "daemon.h"

int main(int argc, char **argv)
{
	unsigned long generation = 0;
	if (argc > 3) {
		generation = strtoul(argv[3], NULL, 10);
	} else {
		daemonize(argv);
		ready(argv);
	}
	printf("%lu\n", generation);
	fflush(stdout);
	usleep(5000);
	char next[32];
	snprintf(next, sizeof(next), "%lu", generation + 1);
	char *args[] = { argv[0], argv[1], argv[2], next, NULL };
	execv("/proc/self/exe", args);
	printf("BAD exec\n");
	return 1;
}
