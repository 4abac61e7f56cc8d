/*
 * tty-host: a stand-in for an interactive shell, for tests that run as a shell job.
 *
 *   tty-host CMDFIFO LOG
 *
 * Makes a pseudo-terminal and a session whose controlling terminal it is, then runs the
 * commands it reads from CMDFIFO there, one at a time, each as a job of its own: in its own
 * process group, which gets the terminal's foreground while it runs (as a shell with job
 * control gives it). A command line is tab-separated:
 *
 *   STATUSFILE  OUTFILE  REDIRECT  CWD  ARGV0  ARGV1 ...
 *
 * REDIRECT says which of fds 1 and 2 go to OUTFILE (appended): "2" or "12"; the others stay
 * on the terminal. When the command exits, its exit code (128 + signal if killed) is written
 * to STATUSFILE (through a rename, so it is never read half written). What reaches the
 * terminal is copied to LOG. Ends when the session leader is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MAX_ARGS 64

static void die(const char *what)
{
	fprintf(stderr, "tty-host: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void write_status(const char *file, int code)
{
	char tmp[4096], buf[16];
	int fd, len;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	len = snprintf(buf, sizeof(buf), "%d\n", code);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, len) != len || close(fd) || rename(tmp, file))
		die("write status");
}

/* Runs one command line as a foreground job; returns its exit code. */
static int run_job(char *line, const char **status_file)
{
	char *field[MAX_ARGS + 4], *save = NULL;
	int n = 0, status;
	pid_t pid;

	for (char *f = strtok_r(line, "\t", &save); f && n < MAX_ARGS + 4; f = strtok_r(NULL, "\t", &save))
		field[n++] = f;
	if (n < 5) {
		fprintf(stderr, "tty-host: bad command line\n");
		return 127;
	}
	*status_file = field[0];
	field[n] = NULL;

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int out = open(field[1], O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (out < 0 || setpgid(0, 0) || tcsetpgrp(0, getpid()) || chdir(field[3]))
			_exit(126);
		if (strchr(field[2], '1'))
			dup2(out, 1);
		if (strchr(field[2], '2'))
			dup2(out, 2);
		close(out);
		signal(SIGTTOU, SIG_DFL);
		execvp(field[4], &field[4]);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: the child may not have run yet */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The session leader: reads and runs commands for as long as it lives. */
static void serve(const char *fifo)
{
	char line[8192];
	FILE *in;

	/* Taking the foreground back and forth from the background must not stop us. */
	signal(SIGTTOU, SIG_IGN);
	/* Read-write, so that the fifo never reads end-of-file between writers. */
	in = fopen(fifo, "r+");
	if (!in)
		die("open command fifo");
	while (fgets(line, sizeof(line), in)) {
		const char *status_file = NULL;
		int code;

		line[strcspn(line, "\n")] = '\0';
		code = run_job(line, &status_file);
		if (status_file)
			write_status(status_file, code);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	char buf[4096];
	int master, slave, log;
	pid_t leader;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: tty-host CMDFIFO LOG\n");
		return 2;
	}
	log = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (log < 0 || master < 0 || grantpt(master) || unlockpt(master))
		die("pty");
	leader = fork();
	if (leader < 0)
		die("fork");
	if (leader == 0) {
		if (setsid() < 0)
			die("setsid");
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
			die("controlling terminal");
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		serve(argv[1]);
	}
	/* Drained so that writes to the terminal never block; EIO once the last slave is closed. */
	while ((n = read(master, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(log, buf, n) < 0)
			break;
	return 0;
}
