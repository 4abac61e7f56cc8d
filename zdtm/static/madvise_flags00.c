/* Per-area madvise attributes (no-hugepage, don't-fork, don't-dump, wipe-on-fork) are restored,
 * as the VmFlags of /proc/self/smaps show them. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

static const struct {
	int advice;
	const char *flag;	/* its two-letter name in VmFlags */
} advice[] = {
	{ MADV_NOHUGEPAGE, "nh" },
	{ MADV_DONTFORK, "dc" },
	{ MADV_DONTDUMP, "dd" },
	{ MADV_WIPEONFORK, "wf" },
};
#define NR_AREAS (int)(sizeof(advice) / sizeof(advice[0]))

/* Copies the VmFlags line of the smaps entry starting at addr into buf; 0 or -1. */
static int vm_flags(const void *addr, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in_area = 0, found = -1;
	unsigned long start, end;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in_area = start == (unsigned long)addr;
		else if (in_area && !strncmp(line, "VmFlags:", 8)) {
			size_t n = strlen(line + 8) < size ? strlen(line + 8) : size - 1;

			memcpy(buf, line + 8, n);
			buf[n] = '\0';
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Does the space-separated VmFlags list hold this two-letter flag? */
static int has_flag(const char *flags, const char *flag)
{
	const char *p;

	for (p = flags; (p = strstr(p, flag)); p += 2)
		if ((p == flags || p[-1] == ' ') && (p[2] == ' ' || p[2] == '\n' || p[2] == '\0'))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *base;
	char flags[256];
	int i, j;

	test_init(argc, argv);
	/* One area per advice, with unmapped pages between them so none merge. */
	base = mmap(NULL, 2 * NR_AREAS * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	for (i = 0; i < NR_AREAS; i++) {
		unsigned char *area = base + 2 * i * page;

		munmap(area + page, page);
		datagen(area, page, i);
		if (madvise(area, page, advice[i].advice)) {
			fail_errno("madvise %s", advice[i].flag);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_AREAS; i++) {
		unsigned char *area = base + 2 * i * page;

		if (vm_flags(area, flags, sizeof(flags))) {
			fail("no smaps entry starts at area %d (%p)", i, (void *)area);
			return 1;
		}
		/* Each area carries its own advice and none of the others'. */
		for (j = 0; j < NR_AREAS; j++)
			if (has_flag(flags, advice[j].flag) != (i == j)) {
				fail("area %d (%s) VmFlags:%s", i, advice[i].flag, flags);
				return 1;
			}
		if (datacmp(area, page, i) >= 0) {
			fail("area %d lost its data", i);
			return 1;
		}
	}
	pass();
	return 0;
}
