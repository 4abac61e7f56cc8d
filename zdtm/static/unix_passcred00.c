/* SO_PASSCRED on one end of a unix dgram socketpair: the option stays set (only on that end) and
 * the queued datagrams keep their credentials, the sender's own and explicit ones (uid 1234). */
#include <sys/socket.h>
#include <unistd.h>

#include "zdtmlib.h"

static int send_creds(int sk, const char *text, const struct ucred *uc)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))] = { 0 };
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (uc) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(*uc));
		memcpy(CMSG_DATA(c), uc, sizeof(*uc));
	}
	return sendmsg(sk, &msg, 0) == (ssize_t)strlen(text) ? 0 : -1;
}

static int expect(int sk, const char *text, const struct ucred *want)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred)) + 64], data[32];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	struct ucred uc;
	ssize_t n = recvmsg(sk, &msg, MSG_DONTWAIT);

	if (n != (ssize_t)strlen(text) || memcmp(data, text, n)) {
		fail_errno("\"%s\": got %zd bytes", text, n);
		return -1;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
	    c->cmsg_len != CMSG_LEN(sizeof(uc))) {
		fail("\"%s\" came without credentials", text);
		return -1;
	}
	memcpy(&uc, CMSG_DATA(c), sizeof(uc));
	if (uc.pid != want->pid || uc.uid != want->uid || uc.gid != want->gid) {
		fail("\"%s\" carries pid %d uid %u gid %u, expected pid %d uid %u gid %u", text, uc.pid, uc.uid,
		     uc.gid, want->pid, want->uid, want->gid);
		return -1;
	}
	return 0;
}

static int passcred(int sk)
{
	int val = -1;
	socklen_t len = sizeof(val);

	getsockopt(sk, SOL_SOCKET, SO_PASSCRED, &val, &len);
	return val;
}

int main(int argc, char **argv)
{
	struct ucred own, other;
	int sk[2], one = 1;

	test_init(argc, argv);
	own = (struct ucred){ .pid = getpid(), .uid = getuid(), .gid = getgid() };
	/* Other ids need CAP_SETUID/CAP_SETGID; without them send our own twice. */
	other = own;
	if (geteuid() == 0) {
		other.uid = 1234;
		other.gid = 5678;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sk) ||
	    setsockopt(sk[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    send_creds(sk[0], "implicit", NULL) || send_creds(sk[0], "explicit", &other)) {
		fail_errno("prepare");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (passcred(sk[1]) != 1 || passcred(sk[0]) != 0) {
		fail("SO_PASSCRED is %d on end 1 (expected 1) and %d on end 0 (expected 0)", passcred(sk[1]),
		     passcred(sk[0]));
		return 1;
	}
	if (expect(sk[1], "implicit", &own) || expect(sk[1], "explicit", &other))
		return 1;
	if (send_creds(sk[0], "after", NULL) || expect(sk[1], "after", &own))
		return 1;
	pass();
	return 0;
}
