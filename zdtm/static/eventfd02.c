/* An eventfd inherited by a child stays one open file in both processes: kcmp(KCMP_FILE) finds
 * them equal, the counter both wrote before the dump (105) is one counter, and a write in one
 * process is read in the other. */
#include <linux/kcmp.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	uint64_t v;
	pid_t child;
	int efd, code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	efd = eventfd(0, EFD_NONBLOCK);
	if (efd < 0) {
		fail_errno("eventfd");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		v = 100;
		if (write(efd, &v, sizeof(v)) != sizeof(v))
			exit(1);
		flag_set(step, 1);
		flag_wait(step, 2);
		/* After restore: the parent waits for 7 from us. */
		v = 7;
		if (write(efd, &v, sizeof(v)) != sizeof(v))
			exit(2);
		flag_set(step, 3);
		flag_wait(step, 4);
		/* The parent wrote 3: it must be ours to read. */
		if (read(efd, &v, sizeof(v)) != sizeof(v))
			exit(3);
		exit(v == 3 ? 0 : 4);
	}
	flag_wait(step, 1);
	v = 5;
	if (write(efd, &v, sizeof(v)) != sizeof(v)) {
		fail_errno("write");
		return 1;
	}
	if (syscall(SYS_kcmp, getpid(), child, KCMP_FILE, efd, efd) != 0) {
		fail_errno("kcmp before the dump");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (syscall(SYS_kcmp, getpid(), child, KCMP_FILE, efd, efd) != 0) {
		fail("kcmp: the child's eventfd is not the parent's open file any more");
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 2);
	flag_wait(step, 3);
	if (read(efd, &v, sizeof(v)) != sizeof(v) || v != 112) {
		fail("counter %llu, expected 100 + 5 + 7 = 112", (unsigned long long)v);
		kill(child, SIGKILL);
		return 1;
	}
	v = 3;
	if (write(efd, &v, sizeof(v)) != sizeof(v)) {
		fail_errno("write 3");
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 4);
	code = wait_exit_code(child);
	if (code) {
		fail("the child did not read the parent's 3 (exit code %d)", code);
		return 1;
	}
	pass();
	return 0;
}
