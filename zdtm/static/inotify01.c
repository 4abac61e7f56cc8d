/* An inotify instance keeps several watches with their exact masks (IN_ONLYDIR, IN_ONESHOT,
 * IN_EXCL_UNLINK, IN_ALL_EVENTS) and wds, also around the gap left by a one-shot watch that fired
 * before the dump; the restored one-shot watch fires once and goes. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

/* The "inotify wd:... mask:... ignored_mask:..." part of each watch line of fdinfo. */
static int watches(int fd, char *out, size_t size)
{
	char path[64], buf[8192], *line, *end;
	size_t used;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	out[0] = 0;
	for (line = strstr(buf, "inotify wd:"); line; line = strstr(line + 1, "inotify wd:")) {
		end = strstr(line, " fhandle-bytes");
		if (!end)
			end = strchr(line, '\n');
		if (!end)
			return -1;
		used = strlen(out);
		snprintf(out + used, size - used, "%.*s\n", (int)(end - line), line);
	}
	return 0;
}

static int touch(const char *path)
{
	int f = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (f < 0 || write(f, "x", 1) != 1)
		return -1;
	return close(f);
}

int main(int argc, char **argv)
{
	char before[2048], after[2048], buf[4096] __attribute__((aligned(8)));
	struct inotify_event *ev;
	int fd, wd_dir, wd_gone, wd_once, wd_all, wd_excl, wd_new;
	ssize_t n;

	test_init(argc, argv);
	mkdir("inotify01.dir", 0755);
	mkdir("inotify01.dir2", 0755);
	if (touch("inotify01.gone") || touch("inotify01.once") || touch("inotify01.all")) {
		fail_errno("create files");
		return 1;
	}
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	wd_dir = inotify_add_watch(fd, "inotify01.dir", IN_CREATE | IN_DELETE | IN_ONLYDIR);
	wd_gone = inotify_add_watch(fd, "inotify01.gone", IN_MODIFY | IN_ONESHOT);
	wd_once = inotify_add_watch(fd, "inotify01.once", IN_MODIFY | IN_ONESHOT);
	wd_all = inotify_add_watch(fd, "inotify01.all", IN_ALL_EVENTS);
	wd_excl = inotify_add_watch(fd, "inotify01.dir2", IN_OPEN | IN_EXCL_UNLINK);
	if (fd < 0 || wd_dir < 0 || wd_gone < 0 || wd_once < 0 || wd_all < 0 || wd_excl < 0) {
		fail_errno("inotify");
		return 1;
	}
	/* The second watch fires and is removed: its wd leaves a gap. Drain all events. */
	if (touch("inotify01.gone")) {
		fail_errno("modify");
		return 1;
	}
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	if (inotify_rm_watch(fd, wd_gone) != -1 || watches(fd, before, sizeof(before))) {
		fail("the fired one-shot watch is still there");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (watches(fd, after, sizeof(after))) {
		fail_errno("read fdinfo");
		return 1;
	}
	if (strcmp(before, after)) {
		fail("watches differ after restore");
		test_msg("before:\n%safter:\n%s", before, after);
		return 1;
	}
	if (inotify_rm_watch(fd, wd_gone) != -1 || errno != EINVAL) {
		fail("the one-shot watch that fired before the dump is back (wd %d)", wd_gone);
		return 1;
	}
	if (touch("inotify01.once") || touch("inotify01.once")) {
		fail_errno("modify");
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	ev = (struct inotify_event *)buf;
	if (n != 2 * (ssize_t)sizeof(*ev) || ev[0].wd != wd_once || ev[0].mask != IN_MODIFY || ev[1].wd != wd_once ||
	    ev[1].mask != IN_IGNORED) {
		fail("the one-shot watch did not fire exactly once (read %zd, wd %d mask %#x)", n, ev[0].wd, ev[0].mask);
		return 1;
	}
	/* The directory is still watched under its wd: adding a watch on it again returns that wd. */
	wd_new = inotify_add_watch(fd, "inotify01.dir", IN_ATTRIB);
	if (wd_new != wd_dir) {
		fail("adding to a watched directory gave wd %d, expected its wd %d", wd_new, wd_dir);
		return 1;
	}
	pass();
	return 0;
}
