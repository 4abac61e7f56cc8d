/*
 * Packet sockets keep what they were set up with: a raw ETH_P_ALL socket its SOL_PACKET
 * options (TPACKET_V2, reserve, auxdata, origdev, loss, timestamping) and a filter that
 * passes only one ethertype; a datagram socket of that ethertype its binding to lo, an
 * all-multicast membership there and its fanout group. After restore a frame sent on lo
 * reaches both, the raw one with its Ethernet header.
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PROTO 0x88b5 /* IEEE local experimental ethertype */
#define FANOUT (77 | (PACKET_FANOUT_LB << 16))

static struct sock_filter code[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), /* the ethertype */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROTO, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static const struct { int name, value; } raw_opts[] = {
	{ PACKET_VERSION, TPACKET_V2 }, { PACKET_RESERVE, 64 }, { PACKET_AUXDATA, 1 },
	{ PACKET_ORIGDEV, 1 }, { PACKET_LOSS, 1 }, { PACKET_TIMESTAMP, 1 << 4 },
};
#define NOPTS (sizeof(raw_opts) / sizeof(raw_opts[0]))

static int lo;

static int int_opt(int sk, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	return getsockopt(sk, SOL_PACKET, name, &v, &len) ? -1 : v;
}

/* Waits for a frame of PROTO carrying "ping" (others on lo are skipped); 0 if it came. */
static int receive_ping(int sk, size_t header)
{
	char buf[2048];
	for (int tries = 0; tries < 1000; tries++) {
		struct pollfd p = { .fd = sk, .events = POLLIN };
		ssize_t n;
		if (poll(&p, 1, 5000) != 1)
			return -1;
		n = recv(sk, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		if ((size_t)n >= header + 4 && !memcmp(buf + header, "ping", 4))
			return 0;
	}
	return -1;
}

static int check(const char *when, int raw, int dgram, int sender)
{
	struct sock_filter got[8];
	socklen_t count = 8;
	struct sockaddr_ll name, to = { .sll_family = AF_PACKET, .sll_protocol = htons(PROTO), .sll_ifindex = lo, .sll_halen = ETH_ALEN };
	socklen_t len = sizeof(name);
	char junk[2048];

	for (size_t i = 0; i < NOPTS; i++) {
		if (int_opt(raw, raw_opts[i].name) != raw_opts[i].value) {
			fail("%s: option %d of the raw socket is %d, not %d", when, raw_opts[i].name, int_opt(raw, raw_opts[i].name), raw_opts[i].value);
			return -1;
		}
	}
	if (getsockopt(raw, SOL_SOCKET, SO_GET_FILTER, got, &count) || count != 4 || memcmp(got, code, sizeof(code))) {
		fail("%s: the raw socket's filter is not the one attached (%u instructions)", when, count);
		return -1;
	}
	if (getsockname(dgram, (struct sockaddr *)&name, &len) || name.sll_ifindex != lo || name.sll_protocol != htons(PROTO)) {
		fail("%s: the datagram socket is not bound to lo for 0x%x", when, PROTO);
		return -1;
	}
	if ((unsigned int)int_opt(dgram, PACKET_FANOUT) != FANOUT) {
		fail("%s: fanout is 0x%x, not 0x%x", when, int_opt(dgram, PACKET_FANOUT), FANOUT);
		return -1;
	}
	while (recv(raw, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	while (recv(dgram, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	if (sendto(sender, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)) != 4) {
		fail_errno("%s: send on lo", when);
		return -1;
	}
	if (receive_ping(dgram, 0) || receive_ping(raw, ETH_HLEN)) {
		fail("%s: the frame sent on lo did not reach both sockets", when);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sock_fprog prog = { .len = 4, .filter = code };
	struct packet_mreq mreq = { .mr_type = PACKET_MR_ALLMULTI };
	struct sockaddr_ll at = { .sll_family = AF_PACKET, .sll_protocol = htons(PROTO) };
	int raw, dgram, sender, fanout = FANOUT;

	test_init(argc, argv);
	lo = if_nametoindex("lo");
	raw = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	dgram = socket(AF_PACKET, SOCK_DGRAM, 0);
	sender = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (!lo || raw < 0 || dgram < 0 || sender < 0) {
		fail_errno("make packet sockets");
		return 1;
	}
	for (size_t i = 0; i < NOPTS; i++) {
		if (setsockopt(raw, SOL_PACKET, raw_opts[i].name, &raw_opts[i].value, sizeof(int))) {
			fail_errno("set option %d", raw_opts[i].name);
			return 1;
		}
	}
	at.sll_ifindex = lo;
	mreq.mr_ifindex = lo;
	if (setsockopt(raw, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(dgram, (struct sockaddr *)&at, sizeof(at)) ||
	    setsockopt(dgram, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) ||
	    setsockopt(dgram, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout))) {
		fail_errno("set up the sockets");
		return 1;
	}
	if (check("before", raw, dgram, sender))
		return 1;

	test_daemon();
	test_waitsig();

	if (check("after", raw, dgram, sender))
		return 1;
	pass();
	return 0;
}
