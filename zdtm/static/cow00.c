/* Private memory inherited across fork stays private to each process: copy-on-write pages untouched
 * before the dump keep their data in both, and a write by one is not seen by the other. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 64

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = NR_PAGES * page;
	volatile uint32_t *step;
	unsigned char *mem;
	pid_t child;
	int code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(mem, len, 64);
	child = fork();
	if (child == 0) {
		/* The child changes its copy of the second half only, before the dump. */
		datagen(mem + len / 2, len / 2, 65);
		flag_set(step, 1);
		flag_wait(step, 2);
		if (datacmp(mem, len / 2, 64) >= 0 || datacmp(mem + len / 2, len / 2, 65) >= 0)
			exit(2);
		/* After restore: the child's write to page 0 must stay in the child. */
		mem[0] ^= 0xff;
		flag_set(step, 3);
		flag_wait(step, 4);
		exit(0);
	}
	flag_wait(step, 1);

	test_daemon();
	test_waitsig();

	if (datacmp(mem, len, 64) >= 0) {
		fail("the parent's copy changed (the child's writes leaked, or data was lost)");
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 2);
	flag_wait(step, 3);
	if (datacmp(mem, page, 64) >= 0) {
		fail("the child's write after restore shows in the parent: pages are shared, not private");
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 4);
	code = wait_exit_code(child);
	if (code) {
		fail("child's copy is wrong after restore (code %d)", code);
		return 1;
	}
	pass();
	return 0;
}
