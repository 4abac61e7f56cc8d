/* Capability sets are restored after dropping some from the effective and inheritable sets. */
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static int get_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return syscall(SYS_capget, &hdr, data);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct before[2], after[2];
	int i;

	test_init(argc, argv);
	if (get_caps(before)) {
		fail_errno("capget");
		return 1;
	}
	/* Drop CAP_CHOWN and CAP_KILL from effective; put CAP_NET_RAW alone into inheritable. */
	before[0].effective &= ~((1u << CAP_CHOWN) | (1u << CAP_KILL));
	before[0].inheritable = before[0].permitted & (1u << CAP_NET_RAW);
	before[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, before) || get_caps(before)) {
		fail_errno("capset");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (get_caps(after)) {
		fail_errno("capget");
		return 1;
	}
	for (i = 0; i < 2; i++)
		if (after[i].effective != before[i].effective ||
		    after[i].permitted != before[i].permitted ||
		    after[i].inheritable != before[i].inheritable) {
			fail("caps word %d: eff %08x prm %08x inh %08x, expected %08x %08x %08x", i,
			     after[i].effective, after[i].permitted, after[i].inheritable,
			     before[i].effective, before[i].permitted, before[i].inheritable);
			return 1;
		}
	pass();
	return 0;
}
