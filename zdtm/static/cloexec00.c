/* The close-on-exec flag is restored per descriptor, also on dups of the same file. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	int plain, cloexec, dup_plain, dup_cloexec;

	test_init(argc, argv);
	plain = open("/dev/null", O_RDONLY);
	cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup_plain = dup(cloexec);
	dup_cloexec = fcntl(plain, F_DUPFD_CLOEXEC, 0);
	if (plain < 0 || cloexec < 0 || dup_plain < 0 || dup_cloexec < 0) {
		fail_errno("open/dup");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fcntl(plain, F_GETFD) != 0 || fcntl(dup_plain, F_GETFD) != 0) {
		fail("FD_CLOEXEC appeared on a plain descriptor");
		return 1;
	}
	if (fcntl(cloexec, F_GETFD) != FD_CLOEXEC || fcntl(dup_cloexec, F_GETFD) != FD_CLOEXEC) {
		fail("FD_CLOEXEC lost");
		return 1;
	}
	pass();
	return 0;
}
