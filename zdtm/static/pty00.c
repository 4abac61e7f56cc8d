/* A pseudo-terminal pair keeps its terminal settings, window size and data queued to both sides. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, got_ws;
	struct termios tio, got_tio;
	char buf[64];
	int master, slave;

	test_init(argc, argv);
	if (pty_pair(&master, &slave, O_RDWR | O_NOCTTY)) {
		fail_errno("open pty pair");
		return 1;
	}
	/* Raw mode on the slave, so bytes pass unchanged and reads need no newline. */
	if (tcgetattr(slave, &tio)) {
		fail_errno("tcgetattr");
		return 1;
	}
	cfmakeraw(&tio);
	if (tcsetattr(slave, TCSANOW, &tio) || ioctl(master, TIOCSWINSZ, &ws) ||
	    write_all(master, "to-slave", 8) || write_all(slave, "to-master", 9) ||
	    tcgetattr(slave, &tio)) {
		fail_errno("configure pty");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (tcgetattr(slave, &got_tio) || got_tio.c_lflag != tio.c_lflag ||
	    got_tio.c_iflag != tio.c_iflag || got_tio.c_oflag != tio.c_oflag ||
	    got_tio.c_cflag != tio.c_cflag) {
		fail("terminal settings changed");
		return 1;
	}
	if (ioctl(slave, TIOCGWINSZ, &got_ws) || got_ws.ws_row != 33 || got_ws.ws_col != 101) {
		fail("window size is %dx%d, expected 101x33", got_ws.ws_col, got_ws.ws_row);
		return 1;
	}
	if (read_all(slave, buf, 8) || memcmp(buf, "to-slave", 8)) {
		fail("data queued to the slave lost");
		return 1;
	}
	if (read_all(master, buf, 9) || memcmp(buf, "to-master", 9)) {
		fail("data queued to the master lost");
		return 1;
	}
	pass();
	return 0;
}
