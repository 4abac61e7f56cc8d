/* Descriptors in flight (SCM_RIGHTS queued in a unix socket) survive: a pipe with data and a file. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

static int send_fds(int sk, const int fds[2])
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "fds", .iov_len = 3 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, 2 * sizeof(int));
	return sendmsg(sk, &msg, 0) == 3 ? 0 : -1;
}

/* NULL with fds[] filled, or what went wrong. */
static const char *recv_fds(int sk, int fds[2])
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))], data[8];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sk, &msg, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN ? "the queue is empty" : "recvmsg failed";
	if (n != 3 || memcmp(data, "fds", 3))
		return "the message's data changed";
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return "the message arrived without its descriptors";
	if (c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
		return "the message carries a different number of descriptors";
	memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
	return NULL;
}

int main(int argc, char **argv)
{
	int sk[2], p[2], file, in_flight[2], got[2];
	struct stat st_file, st_got;
	const char *why;
	char buf[16];

	test_init(argc, argv);
	file = open("unix_scm_rights00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (file < 0 || write_all(file, "file contents", 13) || fstat(file, &st_file) ||
	    pipe(p) || write_all(p[1], "pipe data", 9) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, sk)) {
		fail_errno("prepare");
		return 1;
	}
	in_flight[0] = p[0];
	in_flight[1] = file;
	if (send_fds(sk[0], in_flight)) {
		fail_errno("sendmsg");
		return 1;
	}
	/* From now on the pipe's read end and the file exist only inside the socket's queue. */
	close(p[0]);
	close(file);

	test_daemon();
	test_waitsig();

	why = recv_fds(sk[1], got);
	if (why) {
		fail("SCM_RIGHTS message after restore: %s", why);
		return 1;
	}
	if (read_all(got[0], buf, 9) || memcmp(buf, "pipe data", 9)) {
		fail("received pipe end lost its data");
		return 1;
	}
	if (write_all(p[1], "x", 1) || read_all(got[0], buf, 1) || buf[0] != 'x') {
		fail("received pipe end is not connected to our write end");
		return 1;
	}
	if (fstat(got[1], &st_got) || st_got.st_ino != st_file.st_ino ||
	    lseek(got[1], 0, SEEK_CUR) != 13) {
		fail("received file is not the same file at offset 13");
		return 1;
	}
	pass();
	return 0;
}
