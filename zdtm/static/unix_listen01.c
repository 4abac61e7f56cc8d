/* A unix stream listener with three connections waiting to be accepted, each with its own data
 * and its own client name: after restore they are accepted in the order they connected. */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR 3

static socklen_t abstract_name(struct sockaddr_un *addr, const char *what, int i)
{
	int n;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	n = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1, "unix_listen01.%s%d.%d", what, i, getpid());
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static int data_len(int i)
{
	return 1000 * i + 10;
}

int main(int argc, char **argv)
{
	struct sockaddr_un srv, names[NR], got;
	socklen_t srv_len, name_len[NR], len;
	unsigned char data[4096], buf[4096];
	int lsk, clients[NR], acc, i;

	test_init(argc, argv);
	srv_len = abstract_name(&srv, "listener", 0);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&srv, srv_len) || listen(lsk, 8)) {
		fail_errno("listen");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		name_len[i] = abstract_name(&names[i], "client", i);
		clients[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		datagen(data, data_len(i), 500 + i);
		if (clients[i] < 0 || bind(clients[i], (struct sockaddr *)&names[i], name_len[i]) ||
		    connect(clients[i], (struct sockaddr *)&srv, srv_len) ||
		    write_all(clients[i], data, data_len(i))) {
			fail_errno("client %d", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR; i++) {
		len = sizeof(got);
		memset(&got, 0, sizeof(got));
		acc = accept(lsk, (struct sockaddr *)&got, &len);
		if (acc < 0) {
			fail_errno("accept connection %d", i);
			return 1;
		}
		if (len != name_len[i] || memcmp(&got, &names[i], len)) {
			fail("accepted connection %d comes from \"%s\", expected \"%s\"", i, got.sun_path + 1,
			     names[i].sun_path + 1);
			return 1;
		}
		datagen(data, data_len(i), 500 + i);
		if (read_all(acc, buf, data_len(i)) || memcmp(buf, data, data_len(i))) {
			fail("connection %d lost or changed its data", i);
			return 1;
		}
		if (recv(acc, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
			fail("connection %d has more data than was sent on it", i);
			return 1;
		}
		if (write_all(acc, "ok", 2) || read_all(clients[i], buf, 2) || memcmp(buf, "ok", 2)) {
			fail("connection %d is not connected to its client", i);
			return 1;
		}
	}
	pass();
	return 0;
}
