/*
 * A pty pair split between two processes: the parent holds the master, a child the slave and
 * waits in a read on it. After restore the two still talk through the one terminal.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	volatile uint32_t *ready;
	struct termios tio;
	char buf[64];
	int master, slave;
	pid_t child;

	test_init(argc, argv);
	ready = test_shared_alloc(4096);
	if (pty_pair(&master, NULL, 0)) {
		fail_errno("open pty master");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		slave = open(ptsname(master), O_RDWR | O_NOCTTY);
		close(master);
		if (slave < 0 || tcgetattr(slave, &tio))
			exit(2);
		tio.c_lflag &= ~ECHO;
		if (tcsetattr(slave, TCSANOW, &tio))
			exit(2);
		flag_set(ready, 1);
		/* Canonical mode: one read is one line. */
		if (read(slave, buf, sizeof(buf)) != 5 || memcmp(buf, "ping\n", 5))
			exit(3);
		exit(write_all(slave, "pong\n", 5) ? 4 : 0);
	}
	flag_wait(ready, 1);

	test_daemon();
	test_waitsig();

	if (write_all(master, "ping\n", 5) || read_all(master, buf, 6) || memcmp(buf, "pong\r\n", 6)) {
		fail("no answer through the terminal");
		return 1;
	}
	if (wait_exit_code(child) != 0) {
		fail("the child on the slave failed");
		return 1;
	}
	pass();
	return 0;
}
