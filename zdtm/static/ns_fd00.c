/* Namespace files of the dumper's namespaces: the test keeps fds of its first UTS and net
 * namespaces, then moves to a UTS namespace of its own. After restore the fds are still of
 * those namespaces (same inodes), and setns through the UTS one brings back its host name. */
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "zdtmlib.h"

#define OWN_HOST "criu-ts-ns-fd00"

static ino_t inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

int main(int argc, char **argv)
{
	int uts, net;
	ino_t uts_ino, net_ino;
	struct utsname first, now;

	test_init(argc, argv);
	uts = open("/proc/self/ns/uts", O_RDONLY);
	net = open("/proc/self/ns/net", O_RDONLY);
	if (uts < 0 || net < 0 || uname(&first)) {
		fail_errno("open /proc/self/ns");
		return 1;
	}
	uts_ino = inode_of(uts);
	net_ino = inode_of(net);
	if (unshare(CLONE_NEWUTS) || sethostname(OWN_HOST, strlen(OWN_HOST))) {
		fail_errno("unshare(CLONE_NEWUTS)");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (inode_of(uts) != uts_ino || inode_of(net) != net_ino) {
		fail("the fds are of namespaces %lu and %lu, were %lu and %lu", (unsigned long)inode_of(uts),
		     (unsigned long)inode_of(net), (unsigned long)uts_ino, (unsigned long)net_ino);
		return 1;
	}
	if (uname(&now) || strcmp(now.nodename, OWN_HOST) != 0) {
		fail("our own host name is lost");
		return 1;
	}
	if (setns(uts, CLONE_NEWUTS) || uname(&now) || strcmp(now.nodename, first.nodename) != 0) {
		fail_errno("setns back: host name '%s', expected '%s'", now.nodename, first.nodename);
		return 1;
	}
	pass();
	return 0;
}
