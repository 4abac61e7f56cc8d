/* Open file status flags (access mode, O_NONBLOCK, O_NOATIME, O_SYNC, O_DSYNC) are restored. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

static const struct {
	int flags;
	const char *what;
} files[] = {
	{ O_RDONLY, "O_RDONLY" },
	{ O_WRONLY | O_NONBLOCK, "O_WRONLY|O_NONBLOCK" },
	{ O_RDWR | O_NOATIME, "O_RDWR|O_NOATIME" },
	{ O_RDWR | O_SYNC, "O_RDWR|O_SYNC" },
	{ O_WRONLY | O_DSYNC | O_NONBLOCK, "O_WRONLY|O_DSYNC|O_NONBLOCK" },
};
#define NR_FILES (int)(sizeof(files) / sizeof(files[0]))
/* The flags F_GETFL reports back (it adds O_LARGEFILE on some arches; creation flags are gone). */
#define STATUS_MASK (O_ACCMODE | O_NONBLOCK | O_NOATIME | O_SYNC | O_DSYNC | O_APPEND)

int main(int argc, char **argv)
{
	int fd[NR_FILES], got, i;

	test_init(argc, argv);
	close(open("file_flags00.data", O_WRONLY | O_CREAT, 0644));
	for (i = 0; i < NR_FILES; i++) {
		fd[i] = open("file_flags00.data", files[i].flags);
		if (fd[i] < 0) {
			fail_errno("open %s", files[i].what);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_FILES; i++) {
		got = fcntl(fd[i], F_GETFL);
		if (got < 0 || (got & STATUS_MASK) != files[i].flags) {
			fail("fd opened %s has flags %#x, expected %#x", files[i].what,
			     got & STATUS_MASK, files[i].flags);
			return 1;
		}
	}
	pass();
	return 0;
}
