/* An established TCP connection whose client filled the window: data waits unsent in the client's
 * send queue beyond what sits unread in the server's receive queue, plus unread data the other way.
 * After restore every byte arrives once, in order. */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "zdtmlib.h"

#define MAX_LEN (4 << 20)
#define BACK_LEN 7000

int main(int argc, char **argv)
{
	unsigned char *data = malloc(MAX_LEN), *buf = malloc(MAX_LEN), back[BACK_LEN];
	int lsk, client, server, bufsize = 32768, outq = 0, inq = 0;
	struct sockaddr_in addr;
	size_t sent = 0;
	ssize_t n;

	test_init(argc, argv);
	if (!data || !buf) {
		fail("no memory");
		return 1;
	}
	datagen(data, MAX_LEN, 31);
	datagen(back, BACK_LEN, 32);
	/* Small buffers (before connecting, so the window is small too) keep the queues short. */
	lsk = loopback_socket(SOCK_STREAM, &addr);
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (lsk < 0 || client < 0 || setsockopt(lsk, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize)) ||
	    setsockopt(client, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize)) || listen(lsk, 1) ||
	    connect(client, (struct sockaddr *)&addr, sizeof(addr)) || (server = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("establish connection");
		return 1;
	}
	close(lsk);
	if (write_all(server, back, BACK_LEN) || fcntl(client, F_SETFL, O_NONBLOCK)) {
		fail_errno("send to the client");
		return 1;
	}
	/* Write until the window and the send buffer are full. */
	while (sent < MAX_LEN) {
		n = send(client, data + sent, MAX_LEN - sent, 0);
		if (n < 0) {
			if (errno == EAGAIN) {
				usleep(100000);	/* let the last segments land, then try once more */
				n = send(client, data + sent, MAX_LEN - sent, 0);
				if (n < 0 && errno == EAGAIN)
					break;
			}
			if (n < 0) {
				fail_errno("send");
				return 1;
			}
		}
		sent += n;
	}
	if (ioctl(client, SIOCOUTQ, &outq) || ioctl(server, SIOCINQ, &inq) || outq <= 0 || inq <= 0 ||
	    sent == MAX_LEN) {
		fail("the queues did not fill: %zu bytes sent, %d in the send queue, %d in the receive queue", sent,
		     outq, inq);
		return 1;
	}
	test_msg("%zu bytes sent: %d not yet acked by the server, %d unread there\n", sent, outq, inq);
	if (fcntl(client, F_SETFL, 0)) {
		fail_errno("fcntl");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (read_all(server, buf, sent)) {
		fail_errno("the server got fewer than the %zu bytes sent", sent);
		return 1;
	}
	if (memcmp(buf, data, sent)) {
		fail("the data to the server differs at offset %zd of %zu", datacmp(buf, sent, 31), sent);
		return 1;
	}
	n = recv(server, buf, MAX_LEN, MSG_DONTWAIT);
	if (n != -1 || errno != EAGAIN) {
		fail("the server got %zd bytes more than were sent", n);
		return 1;
	}
	if (read_all(client, buf, BACK_LEN) || memcmp(buf, back, BACK_LEN)) {
		fail("the data to the client was lost or changed");
		return 1;
	}
	if (write_all(client, "end", 3) || read_all(server, buf, 3) || memcmp(buf, "end", 3)) {
		fail("the connection no longer carries data");
		return 1;
	}
	pass();
	return 0;
}
