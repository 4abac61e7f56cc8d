/* Pages shared copy-on-write between a parent and its child before the dump are still one
 * physical page in both after restore (same PFN in /proc/self/pagemap); rewritten pages are not. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_PAGES 16	/* pages 0..7 untouched since the fork, 8..15 rewritten by the child */
#define PFN_MASK ((1ULL << 55) - 1)
#define PRESENT (1ULL << 63)

struct sync {
	uint32_t ready;
	uint32_t step;
	uint32_t done;
	uint64_t pfn[2][NR_PAGES];	/* 0 parent, 1 child; 0 if not present */
	int err[2];
};

static int read_pfns(const unsigned char *mem, size_t page, uint64_t *pfn)
{
	int fd = open("/proc/self/pagemap", O_RDONLY), i;
	uint64_t e;

	if (fd < 0)
		return -1;
	for (i = 0; i < NR_PAGES; i++) {
		if (pread(fd, &e, sizeof(e), (uintptr_t)(mem + i * page) / page * sizeof(e)) != sizeof(e)) {
			close(fd);
			return -1;
		}
		pfn[i] = e & PRESENT ? e & PFN_MASK : 0;
	}
	close(fd);
	return 0;
}

/* NULL if parent's and child's PFNs show the expected sharing, else what is wrong. */
static const char *sharing(const struct sync *s, int *bad)
{
	int i;

	for (i = 0; i < NR_PAGES; i++) {
		*bad = i;
		if (!s->pfn[0][i] || !s->pfn[1][i])
			return "is not present in one of them";
		if (i < NR_PAGES / 2 && s->pfn[0][i] != s->pfn[1][i])
			return "is no longer shared";
		if (i >= NR_PAGES / 2 && s->pfn[0][i] == s->pfn[1][i])
			return "is shared although the child rewrote it";
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *mem;
	const char *why;
	struct sync *s;
	pid_t child;
	int bad, code;

	test_init(argc, argv);
	s = test_shared_alloc(4096);
	mem = mmap(NULL, NR_PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(mem, NR_PAGES * page, 9);
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		datagen(mem + NR_PAGES / 2 * page, NR_PAGES / 2 * page, 10);
		s->err[1] = read_pfns(mem, page, s->pfn[1]);
		flag_inc(&s->ready);
		flag_wait(&s->step, 1);
		s->err[1] = read_pfns(mem, page, s->pfn[1]);
		if (datacmp(mem, NR_PAGES / 2 * page, 9) >= 0 ||
		    datacmp(mem + NR_PAGES / 2 * page, NR_PAGES / 2 * page, 10) >= 0)
			s->err[1] = 2;
		flag_inc(&s->done);
		flag_wait(&s->step, 2);
		exit(0);
	}
	flag_wait(&s->ready, 1);
	s->err[0] = read_pfns(mem, page, s->pfn[0]);
	if (s->err[0] || s->err[1]) {
		fail_errno("reading /proc/self/pagemap");
		kill(child, SIGKILL);
		return 1;
	}
	why = sharing(s, &bad);
	if (why) {
		fail("before the dump, page %d %s (is the kernel merging or splitting pages?)", bad, why);
		kill(child, SIGKILL);
		return 1;
	}

	test_daemon();
	test_waitsig();

	flag_set(&s->step, 1);
	flag_wait(&s->done, 1);
	s->err[0] = read_pfns(mem, page, s->pfn[0]);
	flag_set(&s->step, 2);
	code = wait_exit_code(child);
	if (s->err[0] < 0 || s->err[1] < 0) {
		fail("reading /proc/self/pagemap failed after restore");
		return 1;
	}
	if (s->err[1] == 2 || datacmp(mem, NR_PAGES * page, 9) >= 0) {
		fail("the %s lost its data", s->err[1] == 2 ? "child" : "parent");
		return 1;
	}
	why = sharing(s, &bad);
	if (why) {
		fail("after restore, page %d %s", bad, why);
		return 1;
	}
	if (code) {
		fail("child exited with %d", code);
		return 1;
	}
	pass();
	return 0;
}
