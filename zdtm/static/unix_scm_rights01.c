/* One SCM_RIGHTS message with four descriptors in flight on a unix stream socket: a file we also
 * hold (twice in the message), a pipe's write end and a socketpair end held only by the message.
 * After restore they come back in order, share what they shared, and stay connected. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_FDS 4

static int send_fds(int sk, const int *fds)
{
	char cbuf[CMSG_SPACE(NR_FDS * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "fds", .iov_len = 3 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(NR_FDS * sizeof(int));
	memcpy(CMSG_DATA(c), fds, NR_FDS * sizeof(int));
	return sendmsg(sk, &msg, 0) == 3 ? 0 : -1;
}

static const char *recv_fds(int sk, int *fds)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))], data[3];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sk, &msg, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN ? "nothing is queued" : "recvmsg failed";
	if (n != 3 || memcmp(data, "fds", 3))
		return "the message's data changed";
	if (msg.msg_flags & MSG_CTRUNC)
		return "the control data was truncated";
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return "the message arrived without its descriptors";
	if (c->cmsg_len != CMSG_LEN(NR_FDS * sizeof(int)))
		return "the message carries a different number of descriptors";
	if (CMSG_NXTHDR(&msg, c))
		return "the message carries a second control message";
	memcpy(fds, CMSG_DATA(c), NR_FDS * sizeof(int));
	return NULL;
}

int main(int argc, char **argv)
{
	int sk[2], p[2], pair[2], file, in_flight[NR_FDS], got[NR_FDS];
	struct stat st_file, st;
	const char *why;
	char buf[16];

	test_init(argc, argv);
	file = open("unix_scm_rights01.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (file < 0 || write_all(file, "0123456789", 10) || lseek(file, 4, SEEK_SET) != 4 ||
	    fstat(file, &st_file) || pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sk)) {
		fail_errno("prepare");
		return 1;
	}
	in_flight[0] = file;
	in_flight[1] = p[1];
	in_flight[2] = pair[1];
	in_flight[3] = file;
	if (write_all(pair[0], "queued in pair", 14) || send_fds(sk[0], in_flight) ||
	    write_all(sk[0], "tail", 4)) {
		fail_errno("send");
		return 1;
	}
	/* The pipe's write end and pair[1] now live only in the message. */
	close(p[1]);
	close(pair[1]);

	test_daemon();
	test_waitsig();

	why = recv_fds(sk[1], got);
	if (why) {
		fail("SCM_RIGHTS message after restore: %s", why);
		return 1;
	}
	if (fstat(got[0], &st) || st.st_ino != st_file.st_ino || st.st_dev != st_file.st_dev ||
	    fstat(got[3], &st) || st.st_ino != st_file.st_ino || st.st_dev != st_file.st_dev) {
		fail("descriptors 0 and 3 are not the data file");
		return 1;
	}
	/* Same open file description as ours: one offset for all three. */
	if (lseek(got[0], 0, SEEK_CUR) != 4 || lseek(got[0], 7, SEEK_SET) != 7 ||
	    lseek(file, 0, SEEK_CUR) != 7 || lseek(got[3], 0, SEEK_CUR) != 7) {
		fail("the received file does not share its offset with ours");
		return 1;
	}
	if (fcntl(got[1], F_GETFL) != O_WRONLY || write_all(got[1], "via pipe", 8) || read_all(p[0], buf, 8) ||
	    memcmp(buf, "via pipe", 8)) {
		fail("descriptor 1 is not the write end of our pipe");
		return 1;
	}
	if (read_all(got[2], buf, 14) || memcmp(buf, "queued in pair", 14) ||
	    write_all(got[2], "back", 4) || read_all(pair[0], buf, 4) || memcmp(buf, "back", 4)) {
		fail("descriptor 2 is not the other end of our socketpair (or lost its data)");
		return 1;
	}
	if (read_all(sk[1], buf, 4) || memcmp(buf, "tail", 4)) {
		fail("the data after the message is lost");
		return 1;
	}
	if (recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN) {
		fail("more is queued than was sent");
		return 1;
	}
	pass();
	return 0;
}
