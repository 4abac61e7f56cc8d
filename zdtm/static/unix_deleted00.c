/* A listening unix socket whose file was unlinked: after restore it still holds its queued
 * connection and its name (getsockname), and the path is not brought back. */
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NAME "unix_deleted00.sock"

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX }, got;
	socklen_t len = sizeof(got);
	int lsk, client, acc;
	struct stat st;
	char buf[8];

	test_init(argc, argv);
	strcpy(addr.sun_path, NAME);
	unlink(NAME);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || client < 0 || bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk, 4) ||
	    connect(client, (struct sockaddr *)&addr, sizeof(addr)) || write_all(client, "queued", 6)) {
		fail_errno("set up");
		return 1;
	}
	if (unlink(NAME)) {
		fail_errno("unlink");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (stat(NAME, &st) == 0) {
		fail("%s exists again after restore", NAME);
		return 1;
	}
	if (getsockname(lsk, (struct sockaddr *)&got, &len) || strcmp(got.sun_path, NAME)) {
		fail("listener is named \"%s\", expected \"%s\"", got.sun_path, NAME);
		return 1;
	}
	acc = accept(lsk, NULL, NULL);
	if (acc < 0 || read_all(acc, buf, 6) || memcmp(buf, "queued", 6)) {
		fail_errno("the queued connection or its data is lost");
		return 1;
	}
	if (write(acc, "back", 4) != 4 || read_all(client, buf, 4) || memcmp(buf, "back", 4)) {
		fail("accepted connection and client are not connected");
		return 1;
	}
	pass();
	return 0;
}
