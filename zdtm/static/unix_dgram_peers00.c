/* A bound unix dgram socket with datagrams queued from three peers (each bound to its own name):
 * after restore every datagram is there, in order, with the name of the peer that sent it. */
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PEERS 3
#define ROUNDS 3	/* 9 datagrams: net.unix.max_dgram_qlen is 10 */

static void name_of(struct sockaddr_un *addr, int i)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path, sizeof(addr->sun_path), "unix_dgram_peers00.%d.sock", i);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr, from;
	socklen_t len;
	int server, peers[NR_PEERS], i, r;
	char msg[32], buf[64];
	ssize_t n;

	test_init(argc, argv);
	name_of(&addr, NR_PEERS);	/* the server's name */
	unlink(addr.sun_path);
	server = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (server < 0 || bind(server, (struct sockaddr *)&addr, sizeof(addr))) {
		fail_errno("bind server");
		return 1;
	}
	for (i = 0; i < NR_PEERS; i++) {
		struct sockaddr_un own;

		name_of(&own, i);
		unlink(own.sun_path);
		peers[i] = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (peers[i] < 0 || bind(peers[i], (struct sockaddr *)&own, sizeof(own)) ||
		    connect(peers[i], (struct sockaddr *)&addr, sizeof(addr))) {
			fail_errno("peer %d", i);
			return 1;
		}
	}
	/* Interleaved: round r sends peer 0, 1, 2 in turn. */
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NR_PEERS; i++) {
			snprintf(msg, sizeof(msg), "round %d from %d", r, i);
			if (send(peers[i], msg, strlen(msg), 0) != (ssize_t)strlen(msg)) {
				fail_errno("send");
				return 1;
			}
		}

	test_daemon();
	test_waitsig();

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NR_PEERS; i++) {
			struct sockaddr_un want;

			name_of(&want, i);
			snprintf(msg, sizeof(msg), "round %d from %d", r, i);
			len = sizeof(from);
			memset(&from, 0, sizeof(from));
			n = recvfrom(server, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &len);
			if (n != (ssize_t)strlen(msg) || memcmp(buf, msg, n)) {
				fail("datagram %d/%d: got %zd bytes \"%.*s\", expected \"%s\"", r, i, n, n > 0 ? (int)n : 0, buf, msg);
				return 1;
			}
			if (strcmp(from.sun_path, want.sun_path)) {
				fail("datagram \"%s\" comes from \"%s\", expected \"%s\"", msg, from.sun_path, want.sun_path);
				return 1;
			}
		}
	if (recv(server, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("an extra datagram is queued");
		return 1;
	}
	/* The peers are still connected to the server. */
	if (send(peers[1], "again", 5, 0) != 5 || recv(server, buf, sizeof(buf), MSG_DONTWAIT) != 5) {
		fail_errno("peer 1 can no longer reach the server");
		return 1;
	}
	pass();
	return 0;
}
