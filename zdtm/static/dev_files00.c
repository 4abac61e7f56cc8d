/* Character devices opened with different flags: /dev/null O_WRONLY|O_APPEND, /dev/zero
 * O_RDONLY|O_NONBLOCK (and a dup of it), /dev/urandom O_RDWR with FD_CLOEXEC, /dev/full
 * O_WRONLY|O_SYNC: each fd stays on its device (rdev) with exactly the file status flags and fd
 * flags it had, the dup stays the same open file, and each behaves as its device. */
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "zdtmlib.h"

struct dev {
	const char *path;
	int flags, cloexec;
	unsigned maj, min;
	int fd, fl;
};

static struct dev devs[] = {
	{ "/dev/null", O_WRONLY | O_APPEND, 0, 1, 3 },
	{ "/dev/zero", O_RDONLY | O_NONBLOCK, 0, 1, 5 },
	{ "/dev/urandom", O_RDWR, 1, 1, 9 },
	{ "/dev/full", O_WRONLY | O_SYNC, 0, 1, 7 },
};
#define NR (int)(sizeof(devs) / sizeof(devs[0]))

int main(int argc, char **argv)
{
	unsigned char buf[64];
	struct stat st;
	int i, zdup;

	test_init(argc, argv);
	for (i = 0; i < NR; i++) {
		devs[i].fd = open(devs[i].path, devs[i].flags | (devs[i].cloexec ? O_CLOEXEC : 0));
		if (devs[i].fd < 0) {
			fail_errno("open %s", devs[i].path);
			return 1;
		}
		devs[i].fl = fcntl(devs[i].fd, F_GETFL);
	}
	zdup = dup(devs[1].fd);
	if (zdup < 0) {
		fail_errno("dup");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR; i++) {
		struct dev *d = &devs[i];
		int fl = fcntl(d->fd, F_GETFL), fdfl = fcntl(d->fd, F_GETFD);

		if (fstat(d->fd, &st) || !S_ISCHR(st.st_mode) || major(st.st_rdev) != d->maj ||
		    minor(st.st_rdev) != d->min) {
			fail("%s: fd %d is device %u:%u, expected %u:%u", d->path, d->fd, major(st.st_rdev),
			     minor(st.st_rdev), d->maj, d->min);
			return 1;
		}
		if (fl != d->fl) {
			fail("%s: file flags %#o, expected %#o", d->path, fl, d->fl);
			return 1;
		}
		if (fdfl != (d->cloexec ? FD_CLOEXEC : 0)) {
			fail("%s: fd flags %#x, expected %#x", d->path, fdfl, d->cloexec ? FD_CLOEXEC : 0);
			return 1;
		}
	}
	if (syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, devs[1].fd, zdup) != 0 || fcntl(zdup, F_GETFL) != devs[1].fl) {
		fail("the dup of /dev/zero is not the same open file any more");
		return 1;
	}
	if (write(devs[0].fd, "gone", 4) != 4 || read(devs[0].fd, buf, 1) != -1 || errno != EBADF) {
		fail("/dev/null: the write-only fd does not behave so");
		return 1;
	}
	memset(buf, 0xff, sizeof(buf));
	if (read(zdup, buf, sizeof(buf)) != sizeof(buf) || buf[0] || memcmp(buf, buf + 1, sizeof(buf) - 1)) {
		fail("/dev/zero does not read zeros");
		return 1;
	}
	if (read(devs[2].fd, buf, sizeof(buf)) != sizeof(buf) || write(devs[2].fd, "entropy", 7) != 7) {
		fail_errno("/dev/urandom read/write");
		return 1;
	}
	if (write(devs[3].fd, "x", 1) != -1 || errno != ENOSPC) {
		fail("/dev/full: write did not fail with ENOSPC (%s)", strerror(errno));
		return 1;
	}
	pass();
	return 0;
}
