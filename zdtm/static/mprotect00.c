/* Areas with different protections keep them (as /proc/self/maps shows) and keep their data. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

/* The "rwxp" column of the maps line that contains addr, or NULL. */
static const char *perms_of(const void *addr, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end;
	char perms[8];
	char line[512];

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    (unsigned long)addr >= start && (unsigned long)addr < end) {
			fclose(f);
			snprintf(buf, size, "%s", perms);
			return buf;
		}
	fclose(f);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct {
		int prot;
		const char *perms;
	} areas[] = {
		{ PROT_NONE, "---p" },
		{ PROT_READ, "r--p" },
		{ PROT_READ | PROT_WRITE, "rw-p" },
		{ PROT_READ | PROT_EXEC, "r-xp" },
	};
	const size_t page = sysconf(_SC_PAGESIZE), n = sizeof(areas) / sizeof(areas[0]);
	unsigned char *base;
	char perms[8];
	size_t i;

	test_init(argc, argv);
	/* One mapping split into pages of different protections, each filled first. */
	base = mmap(NULL, n * 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	for (i = 0; i < n; i++) {
		datagen(base + i * 2 * page, 2 * page, 100 + i);
		if (mprotect(base + i * 2 * page, 2 * page, areas[i].prot)) {
			fail_errno("mprotect area %zu", i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < n; i++) {
		unsigned char *a = base + i * 2 * page;

		if (!perms_of(a, perms, sizeof(perms)) || strcmp(perms, areas[i].perms)) {
			fail("area %zu has perms %s, expected %s", i, perms_of(a, perms, sizeof(perms)) ? perms : "(none)",
			     areas[i].perms);
			return 1;
		}
		if (areas[i].prot == PROT_NONE && mprotect(a, 2 * page, PROT_READ)) {
			fail_errno("mprotect to read back");
			return 1;
		}
		if (datacmp(a, 2 * page, 100 + i) >= 0) {
			fail("area %zu lost its data", i);
			return 1;
		}
	}
	pass();
	return 0;
}
