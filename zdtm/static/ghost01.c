/* Several open files on one unlinked file (two opens and a dup in the parent, an open of its own
 * in a child) stay on one inode: same st_ino, writes through one seen through the others, and
 * each open file keeps its own offset. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 20000

int main(int argc, char **argv)
{
	static unsigned char data[LEN];
	volatile uint32_t *shm;
	struct stat st_rw, st_ro, st_dup;
	int rw, ro, dp, code;
	pid_t child;

	test_init(argc, argv);
	shm = test_shared_alloc(4096);
	datagen(data, LEN, 5);
	rw = open("ghost01.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ro = open("ghost01.data", O_RDONLY);
	if (rw < 0 || ro < 0 || write_all(rw, data, LEN) || lseek(ro, 700, SEEK_SET) != 700) {
		fail_errno("create");
		return 1;
	}
	dp = dup(rw);
	child = fork();
	if (child == 0) {
		int cfd = open("ghost01.data", O_RDONLY);
		struct stat st;
		char c;

		if (cfd < 0 || lseek(cfd, 900, SEEK_SET) != 900 || fstat(cfd, &st))
			exit(10);
		shm[1] = st.st_ino;
		flag_set(shm, 1);
		flag_wait(shm, 2);
		if (lseek(cfd, 0, SEEK_CUR) != 900)
			exit(11);
		if (fstat(cfd, &st) || st.st_ino != shm[2] || st.st_nlink != 0)
			exit(12);
		/* The parent wrote "P" at 900 after restore. */
		if (read(cfd, &c, 1) != 1 || c != 'P')
			exit(13);
		exit(0);
	}
	flag_wait(shm, 1);
	if (dp < 0 || unlink("ghost01.data")) {
		fail_errno("dup/unlink");
		kill(child, SIGKILL);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(rw, &st_rw) || fstat(ro, &st_ro) || fstat(dp, &st_dup) || st_rw.st_nlink != 0) {
		fail_errno("fstat");
		kill(child, SIGKILL);
		return 1;
	}
	if (st_rw.st_ino != st_ro.st_ino || st_rw.st_dev != st_ro.st_dev || st_rw.st_ino != st_dup.st_ino) {
		fail("the open files are on different inodes: %lu %lu %lu", (unsigned long)st_rw.st_ino,
		     (unsigned long)st_ro.st_ino, (unsigned long)st_dup.st_ino);
		kill(child, SIGKILL);
		return 1;
	}
	if (lseek(rw, 0, SEEK_CUR) != LEN || lseek(ro, 0, SEEK_CUR) != 700) {
		fail("offsets %ld %ld, expected %d 700", (long)lseek(rw, 0, SEEK_CUR), (long)lseek(ro, 0, SEEK_CUR), LEN);
		kill(child, SIGKILL);
		return 1;
	}
	if (pwrite(rw, "Q", 1, 700) != 1 || pwrite(dp, "P", 1, 900) != 1) {
		fail_errno("pwrite");
		kill(child, SIGKILL);
		return 1;
	}
	{
		char c;

		if (read(ro, &c, 1) != 1 || c != 'Q') {
			fail("a write through the O_RDWR open is not seen through the O_RDONLY one");
			kill(child, SIGKILL);
			return 1;
		}
	}
	shm[2] = st_rw.st_ino;
	flag_set(shm, 2);
	code = wait_exit_code(child);
	switch (code) {
	case 0:
		pass();
		return 0;
	case 11:
		fail("the child's open file lost its offset");
		break;
	case 12:
		fail("the child's open file is on another inode than the parent's");
		break;
	case 13:
		fail("the parent's write is not seen through the child's open file");
		break;
	default:
		fail("child failed (%d)", code);
	}
	return 1;
}
