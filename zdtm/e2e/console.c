/*
 * A program on a console that a container runtime holds: this process becomes the "runtime",
 * which opens a pty pair, keeps the master, and starts the program on the slave as the leader
 * of a new session whose controlling terminal it is. The runtime writes "line N" to the master
 * every 20 ms and appends what comes back to the output file; the program answers each line
 * with "got line N ctty=yes" (or "=no" once the slave is not its controlling terminal with its
 * group in the foreground). The pidfile gets the program's PID; OUT.pts the slave's path and
 * OUT.runtime the runtime's PID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include "daemon.h"

static void write_file(const char *out, const char *suffix, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s", out, suffix);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void program(const char *slave_path, char **argv)
{
	char line[256];
	setsid();
	int slave = open(slave_path, O_RDWR); /* a session leader's first terminal becomes its own */
	if (slave < 0)
		exit(1);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	if (slave > 2)
		close(slave);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ready(argv);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		int ctty = tcgetsid(0) == getpid() && tcgetpgrp(0) == getpgrp();
		printf("got %s ctty=%s\n", line, ctty ? "yes" : "no");
	}
	exit(0);
}

int main(int argc, char **argv)
{
	char buf[4096];
	(void)argc;
	daemonize(argv);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return 1;
	char *slave_path = ptsname(master);
	snprintf(buf, sizeof(buf), "%d\n", getpid());
	write_file(argv[2], ".runtime", buf);
	write_file(argv[2], ".pts", slave_path);
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		close(master);
		program(slave_path, argv);
	}
	signal(SIGCHLD, SIG_IGN);
	fcntl(master, F_SETFL, O_NONBLOCK);
	for (unsigned long n = 0;; n++) {
		int len = snprintf(buf, sizeof(buf), "line %lu\n", n);
		if (write(master, buf, len) < 0 && errno != EAGAIN && errno != EIO)
			return 1;
		usleep(20000);
		ssize_t got;
		while ((got = read(master, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, got, stdout);
	}
}
