/* A shared anonymous mapping stays shared between parent and child, with its contents. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define MAP_PAGES 16

struct shared {
	uint32_t step;
	uint32_t pad;
	unsigned char data[];
};

enum { CHILD_WROTE = 1, PARENT_WROTE = 2 };

int main(int argc, char **argv)
{
	const size_t len = MAP_PAGES * sysconf(_SC_PAGESIZE);
	const size_t data_len = len - sizeof(struct shared);
	struct shared *sh;
	pid_t child;
	int code;

	test_init(argc, argv);
	sh = test_shared_alloc(len);
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		datagen(sh->data, data_len, 1);
		flag_set(&sh->step, CHILD_WROTE);
		/* After restore the parent writes new data: the child must see it. */
		flag_wait(&sh->step, PARENT_WROTE);
		exit(datacmp(sh->data, data_len, 2) >= 0 ? 1 : 0);
	}
	flag_wait(&sh->step, CHILD_WROTE);

	test_daemon();
	test_waitsig();

	if (datacmp(sh->data, data_len, 1) >= 0) {
		fail("shared data written by the child was lost");
		kill(child, SIGKILL);
		return 1;
	}
	datagen(sh->data, data_len, 2);
	flag_set(&sh->step, PARENT_WROTE);
	code = wait_exit_code(child);
	if (code) {
		fail("child does not see the parent's writes (code %d): mapping no longer shared", code);
		return 1;
	}
	pass();
	return 0;
}
