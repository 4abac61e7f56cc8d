/* Supplementary groups and distinct real/effective/saved gids are restored (uids stay root). */
#include <grp.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	static const gid_t groups[] = { 4, 27, 1000, 65533 };
	const gid_t rgid = 1001, egid = 1002, sgid = 1003;
	gid_t got[64], r, e, s;
	uid_t ru, eu, su;
	int n, i;

	test_init(argc, argv);
	if (setgroups(4, groups) || setresgid(rgid, egid, sgid)) {
		fail_errno("setgroups/setresgid");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getresgid(&r, &e, &s) || getresuid(&ru, &eu, &su)) {
		fail_errno("getresgid/getresuid");
		return 1;
	}
	if (r != rgid || e != egid || s != sgid) {
		fail("gids are %u/%u/%u, expected %u/%u/%u", r, e, s, rgid, egid, sgid);
		return 1;
	}
	if (ru || eu || su) {
		fail("uids are %u/%u/%u, expected root", ru, eu, su);
		return 1;
	}
	n = getgroups(64, got);
	if (n != 4) {
		fail("%d supplementary groups, expected 4", n);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (got[i] != groups[i]) {
			fail("group %d is %u, expected %u", i, got[i], groups[i]);
			return 1;
		}
	pass();
	return 0;
}
