/*
 * A UDP socket with a classic BPF filter (SO_ATTACH_FILTER) that lets through only
 * datagrams starting with 'a' keeps it: the same program comes back, and of "bad" then
 * "abc" sent to it only "abc" arrives.
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static struct sock_filter code[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8), /* first byte after the UDP header */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'a', 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int check(const char *when, int sender, int receiver)
{
	struct sock_filter got[8];
	socklen_t count = 8;
	struct pollfd p = { .fd = receiver, .events = POLLIN };
	char buf[8];

	if (getsockopt(receiver, SOL_SOCKET, SO_GET_FILTER, got, &count) || count != 4 || memcmp(got, code, sizeof(code))) {
		fail("%s: the receiver's filter is not the one attached (%u instructions)", when, count);
		return -1;
	}
	if (send(sender, "bad", 3, 0) != 3 || send(sender, "abc", 3, 0) != 3) {
		fail_errno("%s: send", when);
		return -1;
	}
	if (poll(&p, 1, 5000) != 1 || recv(receiver, buf, sizeof(buf), 0) != 3 || memcmp(buf, "abc", 3)) {
		fail("%s: the filtered socket did not get just \"abc\"", when);
		return -1;
	}
	if (recv(receiver, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
		fail("%s: a datagram the filter drops arrived", when);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sock_fprog prog = { .len = 4, .filter = code };
	struct sockaddr_in addr;
	int receiver, sender;

	test_init(argc, argv);
	receiver = loopback_socket(SOCK_DGRAM, &addr);
	sender = socket(AF_INET, SOCK_DGRAM, 0);
	if (receiver < 0 || sender < 0 ||
	    connect(sender, (struct sockaddr *)&addr, sizeof(addr)) ||
	    setsockopt(receiver, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		fail_errno("prepare sockets");
		return 1;
	}
	if (check("before", sender, receiver))
		return 1;

	test_daemon();
	test_waitsig();

	if (check("after", sender, receiver))
		return 1;
	pass();
	return 0;
}
