/* One MAP_SHARED|MAP_ANONYMOUS object mapped in three processes at different offsets (children
 * unmapped parts of it) stays one object: writes after restore show in every process mapping them. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 8

struct sync {
	uint32_t ready;
	uint32_t step;
	uint32_t done;
};

/* Child a keeps pages 4..7, child b keeps page 6 only. Exit code: 0, or the failed check. */
static int child(unsigned char *mem, size_t page, int which, struct sync *s)
{
	int code = 0;

	if (which == 0 ? munmap(mem, 4 * page)
		       : munmap(mem, 6 * page) || munmap(mem + 7 * page, page))
		code = 10;
	flag_inc(&s->ready);
	flag_wait(&s->step, 1);
	/* After restore: the parent rewrote pages 4 and 6 (seeds 204, 206). */
	if (code)
		;
	else if (which == 0) {
		if (datacmp(mem + 4 * page, page, 204) >= 0 || datacmp(mem + 5 * page, page, 105) >= 0 ||
		    datacmp(mem + 6 * page, page, 206) >= 0 || datacmp(mem + 7 * page, page, 107) >= 0)
			code = 11;
		else if (msync(mem + 3 * page, page, MS_ASYNC) == 0)
			code = 12;
	} else {
		if (datacmp(mem + 6 * page, page, 206) >= 0)
			code = 13;
		else if (msync(mem + 5 * page, page, MS_ASYNC) == 0 || msync(mem + 7 * page, page, MS_ASYNC) == 0)
			code = 14;
	}
	flag_inc(&s->done);
	/* Then each writes a page of its own, once both have checked. */
	flag_wait(&s->step, 2);
	if (!code)
		datagen(mem + (which == 0 ? 7 : 6) * page, page, which == 0 ? 307 : 306);
	flag_inc(&s->done);
	flag_wait(&s->step, 3);
	return code;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	struct sync *s;
	unsigned char *mem;
	pid_t pid[2];
	int i, code;

	test_init(argc, argv);
	s = test_shared_alloc(4096);
	mem = mmap(NULL, NR_PAGES * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	for (i = 0; i < NR_PAGES; i++)
		datagen(mem + i * page, page, 100 + i);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			fail_errno("fork");
			return 1;
		}
		if (pid[i] == 0)
			exit(child(mem, page, i, s));
	}
	flag_wait(&s->ready, 2);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_PAGES; i++)
		if (datacmp(mem + i * page, page, 100 + i) >= 0) {
			fail("page %d lost its data", i);
			goto out;
		}
	datagen(mem + 4 * page, page, 204);
	datagen(mem + 6 * page, page, 206);
	flag_set(&s->step, 1);
	flag_wait(&s->done, 2);
	flag_set(&s->step, 2);
	flag_wait(&s->done, 4);
	flag_set(&s->step, 3);
	for (i = 0; i < 2; i++) {
		code = wait_exit_code(pid[i]);
		if (code) {
			fail("child %d failed check %d", i, code);
			return 1;
		}
	}
	/* Child a rewrote page 7 and child b page 6. */
	if (datacmp(mem + 7 * page, page, 307) >= 0 || datacmp(mem + 6 * page, page, 306) >= 0) {
		fail("the children's writes do not show in the parent: the object is no longer shared");
		return 1;
	}
	pass();
	return 0;
out:
	kill(pid[0], SIGKILL);
	kill(pid[1], SIGKILL);
	return 1;
}
