/* A large anonymous region (256 MiB by default) keeps every byte, checked by checksum. */
#include <sys/mman.h>

#include "zdtmlib.h"

static unsigned long size_mib = 256;
TEST_OPTION(size_mib, ulong, "size of the region in MiB", 0);

int main(int argc, char **argv)
{
	uint64_t sum_before, sum_after;
	unsigned char *map;
	size_t len;
	ssize_t off;

	test_init(argc, argv);
	len = size_mib << 20;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap %lu MiB", size_mib);
		return 1;
	}
	datagen(map, len, 256);
	sum_before = checksum64(map, len);

	test_daemon();
	test_waitsig();

	sum_after = checksum64(map, len);
	if (sum_after != sum_before) {
		off = datacmp(map, len, 256);
		fail("checksum %016llx, expected %016llx; first difference at byte %zd",
		     (unsigned long long)sum_after, (unsigned long long)sum_before, off);
		return 1;
	}
	pass();
	return 0;
}
