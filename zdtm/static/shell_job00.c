/*
 * A shell job on a terminal (dumped and restored with --shell-job): after restore it is on
 * the same terminal, in its session, leading the foreground process group, with the raw
 * mode and window size it had set, and its terminal fds are still the terminal.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, got_ws;
	struct termios tio, got_tio;
	char name[256], got_name[256];
	pid_t sid;

	test_init_job(argc, argv);
	if (!isatty(0) || !isatty(1) || ttyname_r(0, name, sizeof(name))) {
		fail("not started on a terminal (the runner gives a terminal test one)");
		return 1;
	}
	sid = getsid(0);
	if (tcgetattr(0, &tio)) {
		fail_errno("tcgetattr");
		return 1;
	}
	cfmakeraw(&tio);
	tio.c_cc[VMIN] = 3;
	if (tcsetattr(0, TCSANOW, &tio) || ioctl(0, TIOCSWINSZ, &ws)) {
		fail_errno("set terminal");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!isatty(0) || !isatty(1))
		fail("stdin or stdout is no longer a terminal");
	else if (ttyname_r(0, got_name, sizeof(got_name)) || strcmp(name, got_name))
		fail("stdin is %s, was %s", got_name, name);
	else if (getsid(0) != sid)
		fail("session %d, was %d", getsid(0), sid);
	else if (getpgrp() != getpid())
		fail("in group %d, not leading its own", getpgrp());
	else if (tcgetpgrp(0) != getpgrp())
		fail("the terminal's foreground group is %d, not ours (%d)", tcgetpgrp(0), getpgrp());
	else if (tcgetattr(0, &got_tio))
		fail_errno("tcgetattr");
	else if (got_tio.c_lflag != tio.c_lflag || got_tio.c_iflag != tio.c_iflag || got_tio.c_oflag != tio.c_oflag ||
		 got_tio.c_cc[VMIN] != 3)
		fail("termios changed: lflag %o iflag %o oflag %o VMIN %d", got_tio.c_lflag, got_tio.c_iflag,
		     got_tio.c_oflag, got_tio.c_cc[VMIN]);
	else if (ioctl(0, TIOCGWINSZ, &got_ws) || got_ws.ws_row != 33 || got_ws.ws_col != 101)
		fail("window size %dx%d, expected 101x33", got_ws.ws_col, got_ws.ws_row);
	else
		pass();
	return 0;
}
