/*
 * A fanotify group keeps its flags and marks: an inode mark (modify, close-write), an inode
 * mark with an ignore mask that survives modification, and a mount mark (open) on the
 * mount holding the test's directory. fdinfo lists the same marks after restore, and a
 * write to the marked file is reported with an fd of that file.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define WATCHED "fanotify00.watched"
#define IGNORED "fanotify00.ignored"

/* The fdinfo lines of the group (flags and marks), which must read the same after restore. */
static ssize_t marks_of(int fd, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	ssize_t n = read_text(path, buf, size);
	char *first = n > 0 ? strstr(buf, "fanotify ") : NULL;
	if (!first)
		return -1;
	memmove(buf, first, strlen(first) + 1);
	return (ssize_t)strlen(buf);
}

int main(int argc, char **argv)
{
	char before[4096], after[4096], buf[4096], link[PATH_MAX], want[PATH_MAX], proc[64];
	struct fanotify_event_metadata *ev;
	int fan, wfd, ifd;
	ssize_t n;

	test_init(argc, argv);
	wfd = open(WATCHED, O_CREAT | O_RDWR | O_TRUNC, 0600);
	ifd = open(IGNORED, O_CREAT | O_RDWR | O_TRUNC, 0600);
	fan = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
	if (wfd < 0 || ifd < 0 || fan < 0 ||
	    fanotify_mark(fan, FAN_MARK_ADD, FAN_MODIFY | FAN_CLOSE_WRITE, AT_FDCWD, WATCHED) ||
	    fanotify_mark(fan, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, IGNORED) ||
	    fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY, FAN_MODIFY, AT_FDCWD, IGNORED) ||
	    fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN, AT_FDCWD, ".")) {
		fail_errno("fanotify setup");
		return 1;
	}
	if (marks_of(fan, before, sizeof(before)) < 0 || !realpath(WATCHED, want)) {
		fail_errno("fdinfo");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (marks_of(fan, after, sizeof(after)) < 0 || strcmp(before, after)) {
		fail("fanotify fdinfo differs:\n%s\n--- after restore ---\n%s", before, after);
		return 1;
	}
	/* Nothing is left from before; the mount mark reports opens, so only look for ours. */
	while (read(fan, buf, sizeof(buf)) > 0)
		;
	if (write(wfd, "x", 1) != 1 || write(ifd, "y", 1) != 1) {
		fail_errno("write");
		return 1;
	}
	n = read(fan, buf, sizeof(buf));
	for (ev = (void *)buf; n > 0 && FAN_EVENT_OK(ev, n); ev = FAN_EVENT_NEXT(ev, n)) {
		ssize_t l;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", ev->fd);
		l = ev->fd >= 0 ? readlink(proc, link, sizeof(link) - 1) : -1;
		if (ev->fd >= 0)
			close(ev->fd);
		if (l < 0)
			continue;
		link[l] = 0;
		if (!strcmp(link, want) && (ev->mask & FAN_MODIFY)) {
			pass();
			return 0;
		}
		if (strstr(link, IGNORED) && (ev->mask & FAN_MODIFY)) {
			fail("a modify of the ignored file was reported");
			return 1;
		}
	}
	fail("no FAN_MODIFY event for the watched file after restore");
	return 1;
}
