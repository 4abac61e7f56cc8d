/* arm64 pointer authentication: the process keeps its keys across checkpoint/restore. A
 * return address signed before the checkpoint (this file is built with
 * -mbranch-protection=pac-ret) still authenticates after restore, pointers signed with each
 * key before and after match, and a key the process disabled stays disabled. */
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "zdtmlib.h"

#ifndef HWCAP_PACA
#define HWCAP_PACA (1UL << 30)
#endif
#ifndef HWCAP_PACG
#define HWCAP_PACG (1UL << 31)
#endif
#ifndef PR_PAC_SET_ENABLED_KEYS
#define PR_PAC_SET_ENABLED_KEYS 60
#define PR_PAC_GET_ENABLED_KEYS 61
#endif
#define PAC_APDBKEY (1UL << 3)

enum { KEY_IA, KEY_IB, KEY_DA, KEY_DB, KEY_GA, NR_KEYS };
static const char *const key_names[NR_KEYS] = { "IA", "IB", "DA", "DB", "GA" };

/* ptr signed with one key under modifier mod (GA: the generic code of the pair). */
static unsigned long sign(int key, unsigned long ptr, unsigned long mod)
{
	switch (key) {
	case KEY_IA:
		__asm__ volatile(".arch armv8.3-a\n\tpacia %0, %1" : "+r"(ptr) : "r"(mod));
		break;
	case KEY_IB:
		__asm__ volatile(".arch armv8.3-a\n\tpacib %0, %1" : "+r"(ptr) : "r"(mod));
		break;
	case KEY_DA:
		__asm__ volatile(".arch armv8.3-a\n\tpacda %0, %1" : "+r"(ptr) : "r"(mod));
		break;
	case KEY_DB:
		__asm__ volatile(".arch armv8.3-a\n\tpacdb %0, %1" : "+r"(ptr) : "r"(mod));
		break;
	case KEY_GA:
		__asm__ volatile(".arch armv8.3-a\n\tpacga %0, %0, %1" : "+r"(ptr) : "r"(mod));
		break;
	}
	return ptr;
}

static volatile int returned;

/* Not inlined and not a tail call: its return address sits signed in its frame while the
 * checkpoint happens, and is authenticated on the way out, after restore. */
static __attribute__((noinline)) void wait_in_signed_frame(void)
{
	test_waitsig();
	returned++;
}

int main(int argc, char **argv)
{
	unsigned long hwcap, ptr = (unsigned long)&returned, mod = 0x5a5a;
	unsigned long before[NR_KEYS], after;
	long enabled = -1;
	int nr_keys = NR_KEYS;

	test_init(argc, argv);
	hwcap = getauxval(AT_HWCAP);
	if (!(hwcap & HWCAP_PACA)) {
		test_msg("SKIP: this CPU (or kernel) has no pointer authentication; nothing to check\n");
		test_daemon();
		test_waitsig();
		pass();
		return 0;
	}
	if (!(hwcap & HWCAP_PACG))
		nr_keys = KEY_GA;
	/* Disable the DB key (kernels since 5.13): the enabled-keys mask must come back too. */
	if (prctl(PR_PAC_SET_ENABLED_KEYS, PAC_APDBKEY, 0, 0, 0) == 0)
		enabled = prctl(PR_PAC_GET_ENABLED_KEYS, 0, 0, 0, 0);
	for (int k = 0; k < nr_keys; k++)
		before[k] = sign(k, ptr, mod);

	test_daemon();
	wait_in_signed_frame();

	if (returned != 1) {
		fail("returned through the signed frame %d times", returned);
		return 1;
	}
	for (int k = 0; k < nr_keys; k++) {
		after = sign(k, ptr, mod);
		if (after != before[k]) {
			fail("key %s signs 0x%lx as 0x%lx, 0x%lx before the checkpoint", key_names[k], ptr, after, before[k]);
			return 1;
		}
	}
	if (enabled >= 0 && prctl(PR_PAC_GET_ENABLED_KEYS, 0, 0, 0, 0) != enabled) {
		fail("enabled keys 0x%lx, 0x%lx before the checkpoint", (long)prctl(PR_PAC_GET_ENABLED_KEYS, 0, 0, 0, 0), enabled);
		return 1;
	}
	pass();
	return 0;
}
