/* A directory fd read partway with getdents64 keeps its position: after restore the listing goes
 * on where it stopped, so the entries read before and after the dump together are exactly the
 * directory's 40 files plus "." and "..", each once. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR 40
#define DIRNAME "dir_fd01.dir"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int seen[NR + 2];

/* Marks the entries of one getdents64 call; their number, 0 at the end, -1 on error. */
static int read_some(int dfd, size_t size)
{
	char buf[4096] __attribute__((aligned(8)));
	long n = syscall(SYS_getdents64, dfd, buf, size);
	int i, nr = 0, pos;

	if (n < 0) {
		fail_errno("getdents64");
		return -1;
	}
	for (pos = 0; pos < n; nr++) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + pos);

		if (!strcmp(d->d_name, "."))
			i = NR;
		else if (!strcmp(d->d_name, ".."))
			i = NR + 1;
		else if (sscanf(d->d_name, "entry-%d", &i) != 1 || i < 0 || i >= NR) {
			fail("unknown entry \"%s\"", d->d_name);
			return -1;
		}
		if (seen[i]++) {
			fail("entry \"%s\" listed twice", d->d_name);
			return -1;
		}
		pos += d->d_reclen;
	}
	return nr;
}

int main(int argc, char **argv)
{
	char name[64];
	int dfd, i, n, before = 0;
	off_t pos;

	test_init(argc, argv);
	if (mkdir(DIRNAME, 0755) && errno != EEXIST) {
		fail_errno("mkdir");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		snprintf(name, sizeof(name), DIRNAME "/entry-%d", i);
		close(open(name, O_WRONLY | O_CREAT, 0644));
	}
	dfd = open(DIRNAME, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		fail_errno("open " DIRNAME);
		return 1;
	}
	/* Small reads until about a third of the directory is listed. */
	while (before < (NR + 2) / 3) {
		n = read_some(dfd, 128);
		if (n <= 0) {
			if (!n)
				fail("end of directory after %d entries", before);
			return 1;
		}
		before += n;
	}
	pos = lseek(dfd, 0, SEEK_CUR);

	test_daemon();
	test_waitsig();

	if (lseek(dfd, 0, SEEK_CUR) != pos) {
		fail("directory position %lld, expected %lld", (long long)lseek(dfd, 0, SEEK_CUR), (long long)pos);
		return 1;
	}
	while ((n = read_some(dfd, sizeof(char[4096]))) > 0)
		;
	if (n < 0)
		return 1;
	for (i = 0; i < NR + 2; i++)
		if (seen[i] != 1) {
			fail("entry %d (%s) seen %d times (%d listed before the dump)", i,
			     i == NR ? "." : i == NR + 1 ? ".." : "entry-N", seen[i], before);
			return 1;
		}
	pass();
	return 0;
}
