/* A unix seqpacket socketpair keeps records sent with MSG_EOR both ways, each record whole:
 * reading a record into a short buffer truncates it (MSG_TRUNC) and the next read gets the next. */
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static const int fwd[] = { 3, 1000, 6000, 1 };	/* end 0 to end 1 */
static const int back[] = { 5, 7000, 64 };	/* end 1 to end 0 */
#define NR(a) (int)(sizeof(a) / sizeof(a[0]))

static int send_all(int sk, const int *sizes, int nr, int seed)
{
	unsigned char msg[8192];
	int i;

	for (i = 0; i < nr; i++) {
		datagen(msg, sizes[i], seed + i);
		if (send(sk, msg, sizes[i], MSG_EOR | MSG_DONTWAIT) != sizes[i])
			return -1;
	}
	return 0;
}

/* Reads the records back; the first one with a 2-byte buffer, which must truncate it. */
static int check(int sk, const int *sizes, int nr, int seed, const char *what)
{
	unsigned char msg[8192], buf[8192];
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	int i;

	for (i = 0; i < nr; i++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = i == 0 ? 2 : sizeof(buf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(sk, &mh, MSG_DONTWAIT);
		datagen(msg, sizes[i], seed + i);
		if (i == 0) {
			if (n != 2 || !(mh.msg_flags & MSG_TRUNC) || memcmp(buf, msg, 2)) {
				fail("%s: first record read into 2 bytes gave %zd, flags %#x", what, n, mh.msg_flags);
				return -1;
			}
			continue;
		}
		if (n != sizes[i] || (mh.msg_flags & MSG_TRUNC) || memcmp(buf, msg, n)) {
			fail("%s: record %d is %zd bytes (flags %#x), expected %d", what, i, n, mh.msg_flags, sizes[i]);
			return -1;
		}
	}
	if (recv(sk, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("%s: an extra record is queued", what);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int sk[2];
	char buf[8];

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sk) || send_all(sk[0], fwd, NR(fwd), 200) ||
	    send_all(sk[1], back, NR(back), 300)) {
		fail_errno("prepare");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (check(sk[1], fwd, NR(fwd), 200, "end 1") || check(sk[0], back, NR(back), 300, "end 0"))
		return 1;
	if (send(sk[0], "abc", 3, MSG_EOR) != 3 || recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT) != 3) {
		fail_errno("the ends are no longer connected");
		return 1;
	}
	pass();
	return 0;
}
