/* A dgram server bound to an abstract name with two clients connected to it (one bound to an
 * abstract name of its own, one unnamed): queued datagrams keep their senders (the unnamed
 * one gives an empty address), and after
 * restore both clients still send to the server without an address and the server answers. */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

static socklen_t abstract_name(struct sockaddr_un *addr, const char *what)
{
	int n;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	n = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1, "unix_abstract01.%s.%d", what, getpid());
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* Receives one datagram at the server: its text must be msg, its sender (name, name_len). */
static int expect(int server, const char *msg, const struct sockaddr_un *name, socklen_t name_len,
		  const char *what)
{
	struct sockaddr_un from;
	socklen_t len = sizeof(from);
	char buf[64];
	ssize_t n;

	memset(&from, 0, sizeof(from));
	n = recvfrom(server, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);
	if (n != (ssize_t)strlen(msg) || memcmp(buf, msg, n)) {
		fail("%s: got %zd bytes \"%.*s\", expected \"%s\"", what, n, n > 0 ? (int)n : 0, buf, msg);
		return -1;
	}
	if (len != name_len || memcmp(&from, name, name_len)) {
		fail("%s: the sender's address (length %u) is not the client's (length %u)", what, len, name_len);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un srv_addr, a_addr, unnamed = { 0 }, got;
	socklen_t srv_len, a_len, len;
	int server, a, b;
	char buf[16];

	test_init(argc, argv);
	srv_len = abstract_name(&srv_addr, "srv");
	a_len = abstract_name(&a_addr, "a");
	server = socket(AF_UNIX, SOCK_DGRAM, 0);
	a = socket(AF_UNIX, SOCK_DGRAM, 0);
	b = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (server < 0 || a < 0 || b < 0 || bind(server, (struct sockaddr *)&srv_addr, srv_len) ||
	    bind(a, (struct sockaddr *)&a_addr, a_len) || connect(a, (struct sockaddr *)&srv_addr, srv_len) ||
	    connect(b, (struct sockaddr *)&srv_addr, srv_len)) {
		fail_errno("prepare sockets");
		return 1;
	}
	if (send(a, "queued by a", 11, 0) != 11 || send(b, "queued by b", 11, 0) != 11) {
		fail_errno("send before the dump");
		return 1;
	}

	test_daemon();
	test_waitsig();

	len = sizeof(got);
	memset(&got, 0, sizeof(got));
	if (getpeername(a, (struct sockaddr *)&got, &len) || len != srv_len || memcmp(&got, &srv_addr, srv_len)) {
		fail("client a is not connected to the server's abstract name");
		return 1;
	}
	len = sizeof(got);
	memset(&got, 0, sizeof(got));
	if (getpeername(b, (struct sockaddr *)&got, &len) || len != srv_len || memcmp(&got, &srv_addr, srv_len)) {
		fail("client b is not connected to the server's abstract name");
		return 1;
	}
	if (expect(server, "queued by a", &a_addr, a_len, "queued datagram 1") ||
	    expect(server, "queued by b", &unnamed, 0, "queued datagram 2"))
		return 1;
	if (send(b, "b again", 7, 0) != 7 || send(a, "a again", 7, 0) != 7) {
		fail_errno("a client cannot send after restore");
		return 1;
	}
	if (expect(server, "b again", &unnamed, 0, "new datagram 1") ||
	    expect(server, "a again", &a_addr, a_len, "new datagram 2"))
		return 1;
	if (sendto(server, "reply", 5, 0, (struct sockaddr *)&a_addr, a_len) != 5 ||
	    recv(a, buf, sizeof(buf), MSG_DONTWAIT) != 5 || memcmp(buf, "reply", 5)) {
		fail_errno("the server's reply did not reach client a at its abstract name");
		return 1;
	}
	if (recv(server, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("an extra datagram is queued at the server");
		return 1;
	}
	pass();
	return 0;
}
