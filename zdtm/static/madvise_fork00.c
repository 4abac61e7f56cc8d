/* madvise advice that acts at fork still acts after restore: a child forked then finds its
 * MADV_WIPEONFORK area zeroed and its MADV_DONTFORK area absent, while the parent keeps both
 * areas' data. A MAP_DROPPABLE mapping (kernel 6.11+) stays droppable ("dp" in VmFlags) with its
 * data. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

/* Does the smaps entry starting at addr carry this two-letter VmFlags flag? 1, 0, or -1. */
static int has_vm_flag(const void *addr, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in_area = 0, found = -1;
	unsigned long start, end;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in_area = start == (unsigned long)addr;
		else if (in_area && !strncmp(line, "VmFlags:", 8)) {
			char want[5] = { ' ', flag[0], flag[1], ' ', 0 };

			line[strcspn(line, "\n")] = ' ';
			found = strstr(line + 7, want) != NULL;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static int all_zero(const unsigned char *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = 4 * page;
	unsigned char *wipe, *nofork, *drop, vec[4];
	pid_t child;
	int code;

	test_init(argc, argv);
	wipe = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	nofork = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	drop = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
	if (wipe == MAP_FAILED || nofork == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	if (drop == MAP_FAILED) {
		test_msg("no MAP_DROPPABLE on this kernel (%m): that part is not checked\n");
		drop = NULL;
	}
	if (madvise(wipe, len, MADV_WIPEONFORK) || madvise(nofork, len, MADV_DONTFORK)) {
		fail_errno("madvise");
		return 1;
	}
	datagen(wipe, len, 1);
	datagen(nofork, len, 2);
	if (drop) {
		if (mlock(drop, len))
			test_msg("mlock of the droppable area: %m (it may be dropped under pressure)\n");
		datagen(drop, len, 3);
	}

	test_daemon();
	test_waitsig();

	if (datacmp(wipe, len, 1) >= 0 || datacmp(nofork, len, 2) >= 0) {
		fail("the parent lost the data of its wipe-on-fork or dont-fork area");
		return 1;
	}
	if (drop) {
		if (has_vm_flag(drop, "dp") != 1) {
			fail("the MAP_DROPPABLE area is no longer droppable (no dp in VmFlags)");
			return 1;
		}
		if (datacmp(drop, len, 3) >= 0) {
			fail("the MAP_DROPPABLE area lost its data");
			return 1;
		}
	}
	child = fork();
	if (child == 0) {
		if (!all_zero(wipe, len))
			exit(1);
		if (mincore(nofork, len, vec) == 0 || errno != ENOMEM)
			exit(2);
		if (drop && !all_zero(drop, len))
			exit(3);
		exit(0);
	}
	code = wait_exit_code(child);
	if (code) {
		fail("in a child forked after restore: %s", code == 1 ? "the wipe-on-fork area kept data" :
		     code == 2 ? "the dont-fork area is mapped" : code == 3 ? "the droppable area kept data" : "it died");
		return 1;
	}
	pass();
	return 0;
}
