/* File status and descriptor flags of sockets are restored: O_NONBLOCK on some (set by
 * SOCK_NONBLOCK or fcntl), not on others, FD_CLOEXEC on one; non-blocking ones say EAGAIN. */
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

enum { PAIR_NB, PAIR_BLOCK, DGRAM_NB, TCP_LISTEN_NB, UDP_BLOCK, UDP_NB_CLOEXEC, NR_SKS };

static const char *names[NR_SKS] = { "unix pair, fcntl O_NONBLOCK", "unix pair, blocking",
				     "unix dgram, SOCK_NONBLOCK", "TCP listener, fcntl O_NONBLOCK",
				     "UDP, blocking", "UDP, SOCK_NONBLOCK|SOCK_CLOEXEC" };
static const int want_fl[NR_SKS] = { O_RDWR | O_NONBLOCK, O_RDWR, O_RDWR | O_NONBLOCK, O_RDWR | O_NONBLOCK, O_RDWR,
				     O_RDWR | O_NONBLOCK };
static const int want_fd[NR_SKS] = { 0, 0, 0, 0, 0, FD_CLOEXEC };

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int sks[NR_SKS], pair[2], i, fl, fd;
	char buf[4];

	test_init(argc, argv);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair)) {
		fail_errno("socketpair");
		return 1;
	}
	sks[PAIR_NB] = pair[0];
	sks[PAIR_BLOCK] = pair[1];
	sks[DGRAM_NB] = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	sks[TCP_LISTEN_NB] = socket(AF_INET, SOCK_STREAM, 0);
	sks[UDP_BLOCK] = socket(AF_INET, SOCK_DGRAM, 0);
	sks[UDP_NB_CLOEXEC] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sks[DGRAM_NB] < 0 || sks[TCP_LISTEN_NB] < 0 || sks[UDP_BLOCK] < 0 || sks[UDP_NB_CLOEXEC] < 0 ||
	    bind(sks[TCP_LISTEN_NB], (struct sockaddr *)&addr, sizeof(addr)) || listen(sks[TCP_LISTEN_NB], 1) ||
	    bind(sks[UDP_NB_CLOEXEC], (struct sockaddr *)&addr, sizeof(addr)) ||
	    fcntl(pair[0], F_SETFL, O_NONBLOCK) || fcntl(sks[TCP_LISTEN_NB], F_SETFL, O_NONBLOCK)) {
		fail_errno("prepare sockets");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_SKS; i++) {
		fl = fcntl(sks[i], F_GETFL);
		fd = fcntl(sks[i], F_GETFD);
		if (fl != want_fl[i] || fd != want_fd[i]) {
			fail("%s: F_GETFL %#x F_GETFD %#x, expected %#x %#x", names[i], fl, fd, want_fl[i], want_fd[i]);
			return 1;
		}
	}
	if (read(sks[PAIR_NB], buf, 1) != -1 || errno != EAGAIN || accept(sks[TCP_LISTEN_NB], NULL, NULL) != -1 ||
	    errno != EAGAIN || recv(sks[UDP_NB_CLOEXEC], buf, 1, 0) != -1 || errno != EAGAIN ||
	    recv(sks[DGRAM_NB], buf, 1, 0) != -1 || errno != EAGAIN) {
		fail_errno("a non-blocking socket did not say EAGAIN");
		return 1;
	}
	pass();
	return 0;
}
