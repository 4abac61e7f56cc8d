/* One pipe shared by three processes: a reader child holding only the read end, the test and a
 * writer child holding only the write end. The bytes both writers queued before the dump come
 * first, then what they write after restore, in order; once both writers close, the reader sees
 * end of file (no stray write end was made by the restore). */
#include <linux/kcmp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define EXPECTED "parent-0:writer-0:parent-1:writer-1:"

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	pid_t reader, writer;
	int p[2], code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	if (pipe(p)) {
		fail_errno("pipe");
		return 1;
	}
	reader = fork();
	if (reader < 0) {
		fail_errno("fork");
		return 1;
	}
	if (reader == 0) {
		char buf[64] = "";
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };

		close(p[1]);
		flag_wait(step, 10);
		if (read_all(p[0], buf, strlen(EXPECTED)))
			exit(1);
		if (memcmp(buf, EXPECTED, strlen(EXPECTED)))
			exit(2);
		/* Both writers are closed by now: end of file, no more data. */
		if (poll(&pfd, 1, 10000) != 1 || read(p[0], buf, sizeof(buf)) != 0)
			exit(3);
		exit(0);
	}
	writer = fork();
	if (writer < 0) {
		fail_errno("fork");
		return 1;
	}
	if (writer == 0) {
		close(p[0]);
		flag_wait(step, 1);
		if (write_all(p[1], "writer-0:", 9))
			exit(1);
		flag_set(step, 2);
		flag_wait(step, 3);
		if (write_all(p[1], "writer-1:", 9))
			exit(2);
		exit(0);
	}
	close(p[0]);
	if (write_all(p[1], "parent-0:", 9)) {
		fail_errno("write");
		return 1;
	}
	flag_set(step, 1);
	flag_wait(step, 2);

	test_daemon();
	test_waitsig();

	if (syscall(SYS_kcmp, getpid(), writer, KCMP_FILE, p[1], p[1]) != 0) {
		fail("kcmp: the writer child's write end is not the test's open file any more");
		goto kill;
	}
	if (write_all(p[1], "parent-1:", 9)) {
		fail_errno("write after restore");
		goto kill;
	}
	flag_set(step, 3);
	code = wait_exit_code(writer);
	if (code) {
		fail("the writer child failed to write after restore (code %d)", code);
		goto kill;
	}
	close(p[1]);
	flag_set(step, 10);
	code = wait_exit_code(reader);
	if (code) {
		fail("reader child: %s (code %d)",
		     code == 1 ? "data missing" : code == 2 ? "other data or order" : code == 3 ? "no end of file" : "?",
		     code);
		return 1;
	}
	pass();
	return 0;
kill:
	kill(reader, SIGKILL);
	kill(writer, SIGKILL);
	return 1;
}
