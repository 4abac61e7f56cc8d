/* Private memory copied on write down three generations (test, child, grandchild), each having
 * rewritten different parts, gives each process its own exact view after restore, and stays private. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define BLOCK 8	/* pages per block; 4 blocks */

/* Seed of each block as each process sees it: 0 test, 1 child, 2 grandchild. */
static const int view[3][4] = {
	{ 1, 1, 1, 4 },	/* the test rewrote block 3 after forking the child */
	{ 1, 2, 1, 1 },	/* the child rewrote block 1 before forking the grandchild */
	{ 1, 2, 3, 1 },	/* the grandchild rewrote block 2 */
};

struct sync {
	uint32_t ready;
	uint32_t step;
	uint32_t done;
	int code[3];
};

static size_t blk;
static unsigned char *mem;

/* 0 if this process sees its view, else 1 + the first wrong block. */
static int check_view(int who)
{
	int b;

	for (b = 0; b < 4; b++)
		if (datacmp(mem + b * blk, blk, view[who][b]) >= 0)
			return 1 + b;
	return 0;
}

/* After the dump: the view, then a write of our own to page 0 that nobody else may see. */
static void after_restore(int who, struct sync *s)
{
	flag_wait(&s->step, 1);
	s->code[who] = check_view(who);
	flag_inc(&s->done);
	flag_wait(&s->step, 2);
	mem[0] = 0xa0 + who;
	flag_inc(&s->done);
	flag_wait(&s->step, 3);
	if (!s->code[who] && mem[0] != 0xa0 + who)
		s->code[who] = 10;
	flag_inc(&s->done);
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	struct sync *s;
	pid_t child;
	int i, code;

	test_init(argc, argv);
	blk = BLOCK * page;
	s = test_shared_alloc(4096);
	mem = mmap(NULL, 4 * blk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	for (i = 0; i < 4; i++)
		datagen(mem + i * blk, blk, 1);
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		pid_t gc;

		datagen(mem + blk, blk, 2);
		gc = fork();
		if (gc < 0)
			exit(20);
		if (gc == 0) {
			datagen(mem + 2 * blk, blk, 3);
			flag_inc(&s->ready);
			after_restore(2, s);
			exit(0);
		}
		flag_inc(&s->ready);
		after_restore(1, s);
		exit(wait_exit_code(gc));
	}
	datagen(mem + 3 * blk, blk, 4);
	flag_wait(&s->ready, 2);

	test_daemon();
	test_waitsig();

	flag_set(&s->step, 1);
	s->code[0] = check_view(0);
	flag_inc(&s->done);
	flag_wait(&s->done, 3);
	flag_set(&s->step, 2);
	mem[0] = 0xa0;
	flag_inc(&s->done);
	flag_wait(&s->done, 6);
	flag_set(&s->step, 3);
	if (!s->code[0] && mem[0] != 0xa0)
		s->code[0] = 10;
	flag_inc(&s->done);
	flag_wait(&s->done, 9);
	code = wait_exit_code(child);
	for (i = 0; i < 3; i++) {
		if (s->code[i] == 10) {
			fail("process %d sees another's write to page 0: the memory is no longer private", i);
			return 1;
		}
		if (s->code[i]) {
			fail("process %d (0 test, 1 child, 2 grandchild) has a wrong block %d", i, s->code[i] - 1);
			return 1;
		}
	}
	if (code) {
		fail("child/grandchild exited with %d", code);
		return 1;
	}
	pass();
	return 0;
}
