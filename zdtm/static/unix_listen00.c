/* A listening unix socket bound to a path accepts connections after restore, and one queued
 * before the dump (not yet accepted, with data sent) is still there. */
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

static char *sockname = "unix_listen00.sock";
TEST_OPTION(sockname, string, "path to bind (relative to the working directory)", 0);

static int connect_to(const struct sockaddr_un *addr)
{
	int sk = socket(AF_UNIX, SOCK_STREAM, 0);

	if (sk < 0 || connect(sk, (const struct sockaddr *)addr, sizeof(*addr))) {
		if (sk >= 0)
			close(sk);
		return -1;
	}
	return sk;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX }, got;
	socklen_t len = sizeof(got);
	int lsk, early, late, acc;
	char buf[16];

	test_init(argc, argv);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sockname);
	unlink(sockname);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk, 8)) {
		fail_errno("bind/listen %s", sockname);
		return 1;
	}
	early = connect_to(&addr);
	if (early < 0 || write_all(early, "early", 5)) {
		fail_errno("early connect");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getsockname(lsk, (struct sockaddr *)&got, &len) || strcmp(got.sun_path, sockname)) {
		fail("listening socket is bound to \"%s\", expected \"%s\"", got.sun_path, sockname);
		return 1;
	}
	acc = accept4(lsk, NULL, NULL, SOCK_NONBLOCK);
	if (acc < 0) {
		fail_errno("the connection queued before the dump is lost");
		return 1;
	}
	if (read_all(acc, buf, 5) || memcmp(buf, "early", 5)) {
		fail("the data sent on the queued connection is lost");
		return 1;
	}
	if (write_all(acc, "back", 4) || read_all(early, buf, 4) || memcmp(buf, "back", 4)) {
		fail("accepted connection is not connected to the early client");
		return 1;
	}
	close(acc);
	late = connect_to(&addr);
	if (late < 0 || (acc = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("new connection after restore");
		return 1;
	}
	pass();
	return 0;
}
