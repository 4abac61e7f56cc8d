/* The auxiliary vector is restored: /proc/self/auxv is byte for byte the same, getauxval() gives
 * the same values, and the 16 AT_RANDOM bytes it points to are unchanged. */
#include <sys/auxv.h>

#include "zdtmlib.h"

static const unsigned long keys[] = { AT_PAGESZ, AT_HWCAP, AT_HWCAP2, AT_CLKTCK, AT_PHDR, AT_PHNUM,
				      AT_ENTRY, AT_UID, AT_EUID, AT_SECURE, AT_RANDOM, AT_EXECFN, AT_BASE };
#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))

int main(int argc, char **argv)
{
	char before[4096], after[4096], random_before[16];
	unsigned long vals[NR_KEYS];
	ssize_t n, m;
	unsigned i;

	test_init(argc, argv);
	n = read_text("/proc/self/auxv", before, sizeof(before));
	if (n <= 0) {
		fail_errno("read /proc/self/auxv");
		return 1;
	}
	for (i = 0; i < NR_KEYS; i++)
		vals[i] = getauxval(keys[i]);
	if (!getauxval(AT_RANDOM)) {
		fail("no AT_RANDOM");
		return 1;
	}
	memcpy(random_before, (void *)getauxval(AT_RANDOM), 16);

	test_daemon();
	test_waitsig();

	m = read_text("/proc/self/auxv", after, sizeof(after));
	if (m != n || memcmp(before, after, n)) {
		fail("/proc/self/auxv changed (%zd bytes, was %zd)", m, n);
		return 1;
	}
	for (i = 0; i < NR_KEYS; i++)
		if (getauxval(keys[i]) != vals[i]) {
			fail("getauxval(%lu) is %#lx, was %#lx", keys[i], getauxval(keys[i]), vals[i]);
			return 1;
		}
	if (memcmp(random_before, (void *)getauxval(AT_RANDOM), 16)) {
		fail("the AT_RANDOM bytes changed");
		return 1;
	}
	pass();
	return 0;
}
