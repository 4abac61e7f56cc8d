/* A unix stream socketpair with data queued both ways and end 0 shut for writing keeps all of it. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN0 8000	/* queued from end 0 to end 1, then end 0 shuts down for writing */
#define LEN1 5000	/* queued from end 1 to end 0 */

static short revents(int sk)
{
	struct pollfd p = { .fd = sk, .events = POLLIN | POLLOUT | POLLRDHUP };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

int main(int argc, char **argv)
{
	unsigned char a_to_b[LEN0], b_to_a[LEN1], buf[LEN0 + 16];
	short ev0, ev1;
	int sk[2];
	ssize_t n;

	test_init(argc, argv);
	datagen(a_to_b, LEN0, 11);
	datagen(b_to_a, LEN1, 12);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sk) || write_all(sk[0], a_to_b, LEN0) ||
	    write_all(sk[1], b_to_a, LEN1) || shutdown(sk[0], SHUT_WR)) {
		fail_errno("prepare socketpair");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* End 1 has data and sees the peer's shutdown; end 0 has data and no hang-up. */
	ev0 = revents(sk[0]);
	ev1 = revents(sk[1]);
	if (!(ev1 & POLLIN) || !(ev1 & POLLRDHUP) || !(ev0 & POLLIN) || (ev0 & POLLRDHUP)) {
		fail("poll events: end 0 %#x, end 1 %#x", ev0, ev1);
		return 1;
	}
	if (read_all(sk[1], buf, LEN0) || memcmp(buf, a_to_b, LEN0)) {
		fail("data queued from end 0 to end 1 lost or changed");
		return 1;
	}
	n = recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT);
	if (n != 0) {
		fail_errno("end 1 reads %zd after the queued data, expected end of file", n);
		return 1;
	}
	if (read_all(sk[0], buf, LEN1) || memcmp(buf, b_to_a, LEN1)) {
		fail("data queued from end 1 to end 0 lost or changed");
		return 1;
	}
	n = recv(sk[0], buf, sizeof(buf), MSG_DONTWAIT);
	if (n != -1 || errno != EAGAIN) {
		fail("end 0 reads %zd after the queued data, expected EAGAIN (end 1 never shut down)", n);
		return 1;
	}
	if (send(sk[0], "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE) {
		fail("end 0 can send after SHUT_WR");
		return 1;
	}
	if (send(sk[1], "ping", 4, MSG_NOSIGNAL) != 4 || read_all(sk[0], buf, 4) || memcmp(buf, "ping", 4)) {
		fail_errno("end 1 no longer reaches end 0");
		return 1;
	}
	pass();
	return 0;
}
