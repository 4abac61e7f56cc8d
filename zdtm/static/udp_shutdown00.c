/*
 * UDP sockets keep their shutdown halves: connected ones shut for writing, reading and both,
 * a bound unconnected one shut for writing (the kernel keeps the bits though shutdown says
 * ENOTCONN), unbound ones shut for reading and both; one open socket stays open.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

enum { OPEN, WR, RD, RDWR, BOUND_WR, UNBOUND_RD, UNBOUND_RDWR, NSOCKS };

static const char *names[NSOCKS] = { "open", "wr", "rd", "rdwr", "bound_wr", "unbound_rd", "unbound_rdwr" };
static int sks[NSOCKS];
static struct sockaddr_in peer;

static short events(int sk)
{
	struct pollfd p = { .fd = sk, .events = POLLIN | POLLRDHUP };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* 1 if a datagram to the peer is refused with EPIPE, 0 if it goes, -1 on other errors. */
static int send_refused(int sk)
{
	if (sendto(sk, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&peer, sizeof(peer)) == 1)
		return 0;
	return errno == EPIPE ? 1 : -1;
}

/*
 * Each socket as its shutdown says: the read half by POLLRDHUP, both by POLLHUP, the write
 * half by EPIPE (not tried on unbound sockets: a datagram that went would bind them).
 */
static int check(const char *when)
{
	static const struct { int rd, hup, wr; } want[NSOCKS] = {
		[OPEN] = { 0, 0, 0 }, [WR] = { 0, 0, 1 }, [RD] = { 1, 0, 0 }, [RDWR] = { 1, 1, 1 },
		[BOUND_WR] = { 0, 0, 1 }, [UNBOUND_RD] = { 1, 0, -1 }, [UNBOUND_RDWR] = { 1, 1, -1 },
	};
	int i;

	for (i = 0; i < NSOCKS; i++) {
		short ev = events(sks[i]);

		if (ev < 0 || !!(ev & POLLRDHUP) != want[i].rd || !!(ev & POLLHUP) != want[i].hup) {
			fail("%s: socket %s has poll events %#x", when, names[i], ev);
			return -1;
		}
		if (want[i].wr >= 0 && send_refused(sks[i]) != want[i].wr) {
			fail("%s: socket %s: a datagram %s", when, names[i], want[i].wr ? "went out" : "was refused");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in own;
	int recv_sk, i;

	test_init(argc, argv);
	recv_sk = loopback_socket(SOCK_DGRAM, &peer);
	for (i = OPEN; i <= BOUND_WR; i++) {
		sks[i] = loopback_socket(SOCK_DGRAM, &own);
		if (sks[i] < 0 || (i != BOUND_WR && connect(sks[i], (struct sockaddr *)&peer, sizeof(peer)))) {
			fail_errno("prepare socket %s", names[i]);
			return 1;
		}
	}
	sks[UNBOUND_RD] = socket(AF_INET, SOCK_DGRAM, 0);
	sks[UNBOUND_RDWR] = socket(AF_INET, SOCK_DGRAM, 0);
	if (recv_sk < 0 || sks[UNBOUND_RD] < 0 || sks[UNBOUND_RDWR] < 0 ||
	    shutdown(sks[WR], SHUT_WR) || shutdown(sks[RD], SHUT_RD) || shutdown(sks[RDWR], SHUT_RDWR)) {
		fail_errno("shut sockets down");
		return 1;
	}
	/* Not connected: ENOTCONN, but the halves are shut. */
	if (shutdown(sks[BOUND_WR], SHUT_WR) == 0 || errno != ENOTCONN ||
	    shutdown(sks[UNBOUND_RD], SHUT_RD) == 0 || shutdown(sks[UNBOUND_RDWR], SHUT_RDWR) == 0) {
		fail("shutdown of an unconnected socket did not say ENOTCONN");
		return 1;
	}
	if (check("before"))
		return 1;

	test_daemon();
	test_waitsig();

	if (check("after"))
		return 1;
	pass();
	return 0;
}
