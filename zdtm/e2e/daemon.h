/*
 * Shared start of the end-to-end test programs: argv[1] is the pidfile, argv[2] the
 * output file. The program detaches (fork + setsid, so the test runner is not its
 * parent), points stdout at the output file (line-buffered) and stdin/stderr at
 * /dev/null, then writes its PID once it is ready.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void daemonize(char **argv)
{
	if (fork() > 0)
		exit(0);
	setsid();
	/* Appending, as a log: a restore does not check the size of a file open so (it grows). */
	int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	int null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(out, 1);
	dup2(null, 2);
	close(out);
	close(null);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void ready(char **argv)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	fprintf(f, "%d\n", getpid());
	fclose(f);
	rename(tmp, argv[1]);
}
