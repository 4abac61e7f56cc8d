/* A datagram unix socket bound to an abstract name still receives at that name. */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t addr_len;
	int sk, sender, name_len;
	char buf[32];

	test_init(argc, argv);
	/* Abstract names start with a NUL byte; the pid keeps parallel runs apart. */
	name_len = snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "zdtm-abstract-%d", getpid());
	addr_len = offsetof(struct sockaddr_un, sun_path) + 1 + name_len;
	sk = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sk < 0 || bind(sk, (struct sockaddr *)&addr, addr_len)) {
		fail_errno("bind abstract");
		return 1;
	}

	test_daemon();
	test_waitsig();

	sender = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sender < 0 || sendto(sender, "hello", 5, 0, (struct sockaddr *)&addr, addr_len) != 5) {
		fail_errno("send to the abstract name");
		return 1;
	}
	if (recv(sk, buf, sizeof(buf), MSG_DONTWAIT) != 5 || memcmp(buf, "hello", 5)) {
		fail("the restored socket does not receive at its abstract name");
		return 1;
	}
	pass();
	return 0;
}
