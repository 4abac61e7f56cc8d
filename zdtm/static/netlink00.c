/*
 * Netlink sockets keep their port ids, groups and peers: an rtnetlink socket bound to its
 * autobound port id and to RTMGRP_LINK plus group 33 (above the first 32), a generic netlink
 * socket connected to the kernel, and two NETLINK_USERSOCK sockets connected to each other
 * exchange a message after restore. Queued messages are not kept, so none is left queued.
 */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int nl_socket(int protocol, unsigned int pid, unsigned int groups)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_pid = pid, .nl_groups = groups };
	int sk = socket(AF_NETLINK, SOCK_RAW, protocol);
	if (sk < 0 || bind(sk, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return sk;
}

static unsigned int port_of(int sk, unsigned int *groups)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	if (getsockname(sk, (struct sockaddr *)&a, &len))
		return 0;
	if (groups)
		*groups = a.nl_groups;
	return a.nl_pid;
}

static unsigned int peer_of(int sk)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	if (getpeername(sk, (struct sockaddr *)&a, &len))
		return (unsigned int)-1;
	return a.nl_pid;
}

int main(int argc, char **argv)
{
	unsigned int route_port, gen_port, u1_port, u2_port, groups, member[4] = { 0 };
	int route, gen, u1, u2, group33 = 33;
	socklen_t mlen = sizeof(member);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct sockaddr_nl to;
	char buf[64];

	test_init(argc, argv);
	route = nl_socket(NETLINK_ROUTE, 0, RTMGRP_LINK);
	gen = nl_socket(NETLINK_GENERIC, 0, 0);
	u1 = nl_socket(NETLINK_USERSOCK, 0, 0);
	u2 = nl_socket(NETLINK_USERSOCK, 0, 0);
	if (route < 0 || gen < 0 || u1 < 0 || u2 < 0 ||
	    setsockopt(route, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group33, sizeof(group33)) ||
	    connect(gen, (struct sockaddr *)&kernel, sizeof(kernel))) {
		fail_errno("netlink sockets");
		return 1;
	}
	route_port = port_of(route, NULL);
	gen_port = port_of(gen, NULL);
	u1_port = port_of(u1, NULL);
	u2_port = port_of(u2, NULL);
	memset(&to, 0, sizeof(to));
	to.nl_family = AF_NETLINK;
	to.nl_pid = u2_port;
	if (connect(u1, (struct sockaddr *)&to, sizeof(to))) {
		fail_errno("connect");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (port_of(route, &groups) != route_port || groups != RTMGRP_LINK) {
		fail("rtnetlink socket: port %u groups %#x, expected %u and %#x", port_of(route, &groups), groups, route_port, RTMGRP_LINK);
		return 1;
	}
	if (getsockopt(route, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, member, &mlen) || member[0] != RTMGRP_LINK || member[1] != 1) {
		fail("rtnetlink memberships %#x %#x, expected %#x 0x1", member[0], member[1], RTMGRP_LINK);
		return 1;
	}
	if (port_of(gen, NULL) != gen_port || peer_of(gen) != 0 || port_of(u1, NULL) != u1_port || port_of(u2, NULL) != u2_port || peer_of(u1) != u2_port || peer_of(u2) != 0) {
		fail("ports or peers changed: gen %u/%u peer %u, u1 %u/%u peer %u (expected %u), u2 %u/%u",
		     port_of(gen, NULL), gen_port, peer_of(gen), port_of(u1, NULL), u1_port, peer_of(u1), u2_port, port_of(u2, NULL), u2_port);
		return 1;
	}
	if (send(u1, "ping", 4, 0) != 4 || recv(u2, buf, sizeof(buf), 0) != 4 || memcmp(buf, "ping", 4)) {
		fail_errno("message from u1 to u2");
		return 1;
	}
	pass();
	return 0;
}
