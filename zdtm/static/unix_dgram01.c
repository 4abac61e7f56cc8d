/* A unix dgram socketpair keeps big queued datagrams (up to 90000 bytes, beyond one page) whole. */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

/* End 0 to end 1; then one the other way. About 175 KB: below the default 208 KB send buffer. */
static const int sizes[] = { 90000, 1, 30001, 4097, 50000 };
#define NR_MSGS (int)(sizeof(sizes) / sizeof(sizes[0]))
#define BACK_LEN 20000
#define MAX_LEN 90000

int main(int argc, char **argv)
{
	unsigned char *msg = malloc(MAX_LEN), *buf = malloc(MAX_LEN + 4096);
	ssize_t n;
	int sk[2], i;

	test_init(argc, argv);
	if (!msg || !buf || socketpair(AF_UNIX, SOCK_DGRAM, 0, sk)) {
		fail_errno("socketpair");
		return 1;
	}
	for (i = 0; i < NR_MSGS; i++) {
		datagen(msg, sizes[i], 100 + i);
		n = send(sk[0], msg, sizes[i], MSG_DONTWAIT);
		if (n != sizes[i]) {
			fail_errno("send datagram %d of %d bytes: %zd", i, sizes[i], n);
			return 1;
		}
	}
	datagen(msg, BACK_LEN, 99);
	if (send(sk[1], msg, BACK_LEN, MSG_DONTWAIT) != BACK_LEN) {
		fail_errno("send back");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_MSGS; i++) {
		n = recv(sk[1], buf, MAX_LEN + 4096, MSG_DONTWAIT);
		datagen(msg, sizes[i], 100 + i);
		if (n != sizes[i]) {
			fail("datagram %d: %zd bytes, expected %d", i, n, sizes[i]);
			return 1;
		}
		if (memcmp(buf, msg, n)) {
			fail("datagram %d: data differs at offset %zd", i, datacmp(buf, n, 100 + i));
			return 1;
		}
	}
	if (recv(sk[1], buf, MAX_LEN, MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("an extra datagram is queued at end 1");
		return 1;
	}
	n = recv(sk[0], buf, MAX_LEN + 4096, MSG_DONTWAIT);
	datagen(msg, BACK_LEN, 99);
	if (n != BACK_LEN || memcmp(buf, msg, n)) {
		fail("datagram to end 0: %zd bytes, expected %d (or different data)", n, BACK_LEN);
		return 1;
	}
	if (recv(sk[0], buf, MAX_LEN, MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("an extra datagram is queued at end 0");
		return 1;
	}
	pass();
	return 0;
}
