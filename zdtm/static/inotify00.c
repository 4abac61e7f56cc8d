/* An inotify instance keeps its watches (same descriptors, same masks) and reports new events. */
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	char buf[4096] __attribute__((aligned(8)));
	struct inotify_event *ev;
	int fd, wd_dir, wd_file, f;
	ssize_t n;

	test_init(argc, argv);
	mkdir("inotify00.dir", 0755);
	close(open("inotify00.dir/watched", O_WRONLY | O_CREAT, 0644));
	fd = inotify_init1(IN_NONBLOCK);
	wd_dir = inotify_add_watch(fd, "inotify00.dir", IN_CREATE | IN_DELETE);
	wd_file = inotify_add_watch(fd, "inotify00.dir/watched", IN_MODIFY);
	if (fd < 0 || wd_dir < 0 || wd_file < 0) {
		fail_errno("inotify");
		return 1;
	}

	test_daemon();
	test_waitsig();

	f = open("inotify00.dir/new", O_WRONLY | O_CREAT, 0644);
	if (f < 0) {
		fail_errno("create");
		return 1;
	}
	close(f);
	n = read(fd, buf, sizeof(buf));
	ev = (struct inotify_event *)buf;
	if (n < (ssize_t)sizeof(*ev) || ev->wd != wd_dir || !(ev->mask & IN_CREATE) ||
	    strcmp(ev->name, "new")) {
		fail("no IN_CREATE \"new\" on watch %d (read %zd)", wd_dir, n);
		return 1;
	}
	f = open("inotify00.dir/watched", O_WRONLY);
	if (f < 0 || write(f, "x", 1) != 1) {
		fail_errno("modify");
		return 1;
	}
	close(f);
	n = read(fd, buf, sizeof(buf));
	if (n < (ssize_t)sizeof(*ev) || ev->wd != wd_file || !(ev->mask & IN_MODIFY)) {
		fail("no IN_MODIFY on watch %d", wd_file);
		return 1;
	}
	pass();
	return 0;
}
