/* An open file inherited across fork stays one open file: parent and child share its offset. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	pid_t child;
	int fd, code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	fd = open("fd_shared_fork00.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, "0123456789abcdef", 16) || lseek(fd, 4, SEEK_SET) != 4) {
		fail_errno("prepare file");
		return 1;
	}
	child = fork();
	if (child == 0) {
		flag_wait(step, 1);
		/* The parent moved the shared offset to 10 after restore. */
		if (lseek(fd, 0, SEEK_CUR) != 10)
			exit(2);
		lseek(fd, 7, SEEK_SET);
		exit(0);
	}

	test_daemon();
	test_waitsig();

	if (lseek(fd, 0, SEEK_CUR) != 4) {
		fail("offset is %lld, expected 4", (long long)lseek(fd, 0, SEEK_CUR));
		kill(child, SIGKILL);
		return 1;
	}
	lseek(fd, 10, SEEK_SET);
	flag_set(step, 1);
	code = wait_exit_code(child);
	if (code) {
		fail("child sees a different offset (code %d): the open file is no longer shared", code);
		return 1;
	}
	if (lseek(fd, 0, SEEK_CUR) != 7) {
		fail("the child's seek did not move our offset: the open file is no longer shared");
		return 1;
	}
	pass();
	return 0;
}
