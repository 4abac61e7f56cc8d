/*
 * A pty slave as a session's controlling terminal: a child leads a new session on it, and its
 * own child, in another process group, is the terminal's foreground group. After restore the
 * session has its terminal again, with that foreground group, and job control works through it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "zdtmlib.h"

/* 0 if this process's session has `slave` as its terminal, led by `leader`, with foreground `fg`. */
static int check_terminal(int slave, pid_t leader, pid_t fg)
{
	char stat[512], *p;
	unsigned long tty_nr = 0;
	struct stat st;
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof(stat) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0 || fstat(slave, &st))
		return 1;
	stat[n] = 0;
	p = strrchr(stat, ')');
	/* ") state ppid pgrp session tty_nr" */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %lu", &tty_nr) != 1 || tty_nr != st.st_rdev)
		return 2;
	if (tcgetsid(slave) != leader)
		return 3;
	if (tcgetpgrp(slave) != fg)
		return 4;
	return 0;
}

int main(int argc, char **argv)
{
	volatile uint32_t *flags;
	char buf[64];
	int master;
	pid_t leader;

	test_init(argc, argv);
	flags = test_shared_alloc(4096);
	if (pty_pair(&master, NULL, 0)) {
		fail_errno("open pty master");
		return 1;
	}
	leader = fork();
	if (leader < 0) {
		fail_errno("fork");
		return 1;
	}
	if (leader == 0) {
		pid_t job;
		int slave, code;

		/* A session leader's first open of a terminal without O_NOCTTY makes it its terminal. */
		if (setsid() < 0 || (slave = open(ptsname(master), O_RDWR)) < 0)
			exit(2);
		close(master);
		job = fork();
		if (job < 0)
			exit(2);
		if (job == 0) {
			if (setpgid(0, 0))
				exit(2);
			flag_set(flags, 1);
			flag_wait(flags + 1, 1);
			if ((code = check_terminal(slave, getppid(), getpid())))
				exit(10 + code);
			/* The foreground group reads the terminal without SIGTTIN. */
			if (read(slave, buf, sizeof(buf)) != 5 || memcmp(buf, "line\n", 5))
				exit(20);
			exit(0);
		}
		flag_wait(flags, 1);
		signal(SIGTTOU, SIG_IGN);
		if (tcsetpgrp(slave, job))
			exit(3);
		flag_set(flags + 2, 1);
		flag_wait(flags + 1, 1);
		if ((code = check_terminal(slave, getpid(), job)))
			exit(30 + code);
		exit(wait_exit_code(job));
	}
	flag_wait(flags + 2, 1);

	test_daemon();
	test_waitsig();

	flag_set(flags + 1, 1);
	if (write_all(master, "line\n", 5)) {
		fail_errno("write to the terminal");
		return 1;
	}
	int code = wait_exit_code(leader);
	if (code) {
		fail("the session exited with %d (1x: the job's terminal, 2x: its read, 3x: the leader's terminal)", code);
		return 1;
	}
	pass();
	return 0;
}
