/* UTS namespaces: the test unshares one and names it; a child shares it, another child has
 * one of its own with other names. After restore each task sees its own names, the two
 * children's namespaces are their parent's and not. (That the restorer's own names stay
 * as they were is checked by src/ns/uts.test.ts.) */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "zdtmlib.h"

#define HOST "criu-ts-uts00"
#define DOMAIN "zdtm.uts00"
#define CHILD_HOST "criu-ts-uts00-child"
#define CHILD_DOMAIN "zdtm.uts00.child"

static int names_are(const char *host, const char *domain)
{
	struct utsname u;

	return uname(&u) == 0 && strcmp(u.nodename, host) == 0 && strcmp(u.domainname, domain) == 0;
}

static int set_names(const char *host, const char *domain)
{
	return sethostname(host, strlen(host)) || setdomainname(domain, strlen(domain));
}

static ino_t uts_inode(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/uts", pid);
	return stat(path, &st) ? 0 : st.st_ino;
}

int main(int argc, char **argv)
{
	volatile uint32_t *ready;
	uint32_t *check;
	pid_t sharer, own;

	test_init(argc, argv);
	if (unshare(CLONE_NEWUTS) || set_names(HOST, DOMAIN)) {
		fail_errno("unshare/sethostname");
		return 1;
	}
	ready = test_shared_alloc(4096);
	check = (uint32_t *)ready + 1;
	sharer = fork();
	if (sharer == 0) {
		flag_inc(ready);
		flag_wait(check, 1);
		exit(names_are(HOST, DOMAIN) ? 0 : 2);
	}
	own = fork();
	if (own == 0) {
		if (unshare(CLONE_NEWUTS) || set_names(CHILD_HOST, CHILD_DOMAIN))
			exit(4);
		flag_inc(ready);
		flag_wait(check, 1);
		exit(names_are(CHILD_HOST, CHILD_DOMAIN) ? 0 : 3);
	}
	if (sharer < 0 || own < 0) {
		fail_errno("fork");
		return 1;
	}
	flag_wait(ready, 2);

	test_daemon();
	test_waitsig();

	if (!names_are(HOST, DOMAIN)) {
		fail("the test's own names changed");
		return 1;
	}
	if (uts_inode(sharer) != uts_inode(getpid()) || uts_inode(own) == uts_inode(getpid())) {
		fail("namespaces: sharer %lu, own %lu, test %lu", (unsigned long)uts_inode(sharer),
		     (unsigned long)uts_inode(own), (unsigned long)uts_inode(getpid()));
		return 1;
	}
	flag_set(check, 1);
	if (wait_exit_code(sharer) != 0 || wait_exit_code(own) != 0) {
		fail("a child saw other names (2: the sharer, 3: the one with its own)");
		return 1;
	}
	pass();
	return 0;
}
