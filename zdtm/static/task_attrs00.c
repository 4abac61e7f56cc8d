/* A child's umask, working directory, environment and name differ from its parent's, and each
 * process gets its own back. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define DIR_NAME "task_attrs00.dir"

struct attrs {
	mode_t umask;
	char cwd[PATH_MAX];
	char env[64];
	char name[16];
};

static void get_attrs(struct attrs *a)
{
	const char *e = getenv("ZDTM_TASK_ATTRS");

	memset(a, 0, sizeof(*a));
	a->umask = umask(0);
	umask(a->umask);
	if (!getcwd(a->cwd, sizeof(a->cwd)))
		strcpy(a->cwd, "?");
	snprintf(a->env, sizeof(a->env), "%s", e ? e : "(unset)");
	prctl(PR_GET_NAME, a->name);
}

static int same(const struct attrs *a, const struct attrs *b)
{
	return a->umask == b->umask && !strcmp(a->cwd, b->cwd) && !strcmp(a->env, b->env) &&
	       !strcmp(a->name, b->name);
}

struct shared {
	uint32_t ready, check, done;
	struct attrs before, after;
};

int main(int argc, char **argv)
{
	struct attrs mine, now;
	struct shared *sh;
	pid_t child;
	int code;

	test_init(argc, argv);
	sh = test_shared_alloc(sizeof(*sh));
	if (mkdir(DIR_NAME, 0755) && errno != EEXIST) {
		fail_errno("mkdir");
		return 1;
	}
	umask(022);
	setenv("ZDTM_TASK_ATTRS", "parent", 1);
	prctl(PR_SET_NAME, "attrs-parent");
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		umask(0207);
		if (chdir(DIR_NAME))
			exit(1);
		setenv("ZDTM_TASK_ATTRS", "child-value-with-more-bytes", 1);
		prctl(PR_SET_NAME, "attrs-child");
		get_attrs(&sh->before);
		flag_set(&sh->ready, 1);
		flag_wait(&sh->check, 1);
		get_attrs(&sh->after);
		/* And the umask still applies to new files. */
		{
			struct stat st;
			int fd = open("child.file", O_CREAT | O_WRONLY | O_TRUNC, 0777);

			if (fd < 0 || fstat(fd, &st) || (st.st_mode & 0777) != 0570)
				sh->after.umask = 01000;
			close(fd);
			unlink("child.file");
		}
		flag_set(&sh->done, 1);
		exit(0);
	}
	get_attrs(&mine);
	flag_wait(&sh->ready, 1);
	if (same(&mine, &sh->before)) {
		fail("setup: the child's attributes are the parent's");
		kill(child, SIGKILL);
		return 1;
	}

	test_daemon();
	test_waitsig();

	get_attrs(&now);
	if (!same(&now, &mine)) {
		fail("parent: umask %o cwd %s env %s name %s, expected %o %s %s %s", now.umask, now.cwd,
		     now.env, now.name, mine.umask, mine.cwd, mine.env, mine.name);
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(&sh->check, 1);
	flag_wait(&sh->done, 1);
	code = wait_exit_code(child);
	if (code || !same(&sh->after, &sh->before)) {
		fail("child: umask %o cwd %s env %s name %s, expected %o %s %s %s", sh->after.umask,
		     sh->after.cwd, sh->after.env, sh->after.name, sh->before.umask, sh->before.cwd,
		     sh->before.env, sh->before.name);
		return 1;
	}
	pass();
	return 0;
}
