/* An unlinked file far over the default ghost limit (allowed with --ghost-limit) comes back with
 * its size, its data and its holes: only the data extents are carried and written. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define SIZE (64L << 20)
#define PIECE 8192

static const off_t where[] = { 0, 10L << 20, SIZE - PIECE };
#define NR_PIECES (int)(sizeof(where) / sizeof(where[0]))

int main(int argc, char **argv)
{
	unsigned char buf[PIECE];
	struct stat st;
	char path[256];
	int fd, i;

	test_init(argc, argv);
	snprintf(path, sizeof(path), "ghost_sparse00.%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
	if (fd < 0 || ftruncate(fd, SIZE)) {
		fail_errno("create %s", path);
		return 1;
	}
	for (i = 0; i < NR_PIECES; i++) {
		datagen(buf, PIECE, i);
		if (pwrite(fd, buf, PIECE, where[i]) != PIECE) {
			fail_errno("pwrite");
			return 1;
		}
	}
	unlink(path);
	if (fstat(fd, &st) || st.st_blocks * 512 > 4 * 1024 * 1024) {
		test_msg("SKIP: this file system does not keep holes (%ld blocks); nothing to check\n", (long)st.st_blocks);
		test_daemon();
		test_waitsig();
		pass();
		return 0;
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || st.st_size != SIZE || st.st_nlink != 0 || (st.st_mode & 07777) != 0640) {
		fail("size %ld, links %ld, mode %o after restore", (long)st.st_size, (long)st.st_nlink, st.st_mode & 07777);
		return 1;
	}
	if (st.st_blocks * 512 > 4 * 1024 * 1024) {
		fail("the holes were filled: %ld blocks for %d pieces of %d bytes", (long)st.st_blocks, NR_PIECES, PIECE);
		return 1;
	}
	for (i = 0; i < NR_PIECES; i++) {
		if (pread(fd, buf, PIECE, where[i]) != PIECE || datacmp(buf, PIECE, i) >= 0) {
			fail("piece %d at %ld lost its data", i, (long)where[i]);
			return 1;
		}
	}
	if (pread(fd, buf, PIECE, 5L << 20) != PIECE || buf[0] || buf[PIECE - 1]) {
		fail("a hole reads other than zero");
		return 1;
	}
	pass();
	return 0;
}
