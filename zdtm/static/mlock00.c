/* mlock()ed memory stays locked (VmLck, the VMA's "lo" flag) and a plain mapping beside it
 * stays unlocked; their contents survive. */
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PAGES 16

/* VmLck of this process in kB, or -1. */
static long vm_lck(void)
{
	char buf[64];

	if (proc_status_field(getpid(), "VmLck", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), before;
	unsigned char *locked, *plain;

	test_init(argc, argv);
	locked = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	plain = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (locked == MAP_FAILED || plain == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(locked, PAGES * page, 1);
	datagen(plain, PAGES * page, 2);
	if (mlock(locked, PAGES * page)) {
		fail_errno("mlock");
		return 1;
	}
	before = vm_lck();

	test_daemon();
	test_waitsig();

	if (vm_lck() != before || before < PAGES * page / 1024) {
		fail("VmLck is %ld kB, was %ld kB before the dump", vm_lck(), before);
		return 1;
	}
	if (datacmp(locked, PAGES * page, 1) >= 0 || datacmp(plain, PAGES * page, 2) >= 0) {
		fail("contents changed");
		return 1;
	}
	/* munlock must find it locked: VmLck drops by the region's size. */
	if (munlock(locked, PAGES * page) || vm_lck() != before - PAGES * page / 1024) {
		fail("after munlock VmLck is %ld kB, expected %ld", vm_lck(), before - PAGES * page / 1024);
		return 1;
	}
	pass();
	return 0;
}
