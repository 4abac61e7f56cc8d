/* memfds keep their sealing state exactly: one created without MFD_ALLOW_SEALING cannot be sealed,
 * one sealed F_SEAL_WRITE | F_SEAL_SEAL refuses writes and further seals, one under
 * F_SEAL_FUTURE_WRITE refuses write() but keeps its writable shared mapping; names are kept. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static int name_is(int fd, const char *name)
{
	char path[64], link[256], want[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(want, sizeof(want), "/memfd:%s (deleted)", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	if (strcmp(link, want)) {
		test_msg("fd %d is %s, expected %s\n", fd, link, want);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *fmap, buf[16];
	int plain, wseal, fseal, seals;
	struct stat st;

	test_init(argc, argv);
	plain = memfd_create("zdtm-plain", 0);
	wseal = memfd_create("zdtm-wseal", MFD_ALLOW_SEALING);
	fseal = memfd_create("zdtm-fseal", MFD_ALLOW_SEALING);
	if (plain < 0 || wseal < 0 || fseal < 0 || write_all(plain, "plain", 5) || write_all(wseal, "sealed", 6) ||
	    ftruncate(fseal, page)) {
		fail_errno("memfd_create");
		return 1;
	}
	fmap = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fseal, 0);
	if (fmap == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	memcpy(fmap, "before", 6);
	if (fcntl(wseal, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL)) {
		fail_errno("F_SEAL_WRITE");
		return 1;
	}
	if (fcntl(fseal, F_ADD_SEALS, F_SEAL_FUTURE_WRITE)) {
		test_msg("SKIP: F_SEAL_FUTURE_WRITE not supported; nothing to check\n");
		test_daemon();
		test_waitsig();
		pass();
		return 0;
	}

	test_daemon();
	test_waitsig();

	if (!name_is(plain, "zdtm-plain") || !name_is(wseal, "zdtm-wseal") || !name_is(fseal, "zdtm-fseal")) {
		fail("a memfd lost its name");
		return 1;
	}
	seals = fcntl(plain, F_GET_SEALS);
	if (seals != F_SEAL_SEAL || fcntl(plain, F_ADD_SEALS, F_SEAL_GROW) != -1 || errno != EPERM) {
		fail("the memfd made without MFD_ALLOW_SEALING has seals %#x and can be sealed", seals);
		return 1;
	}
	if (write(plain, "!", 1) != 1 || pread(plain, buf, 6, 0) != 6 || memcmp(buf, "plain!", 6)) {
		fail("the unsealed memfd lost its data or offset");
		return 1;
	}
	seals = fcntl(wseal, F_GET_SEALS);
	if (seals != (F_SEAL_WRITE | F_SEAL_SEAL)) {
		fail("seals %#x, expected %#x", seals, F_SEAL_WRITE | F_SEAL_SEAL);
		return 1;
	}
	if (pwrite(wseal, "x", 1, 0) != -1 || errno != EPERM || fcntl(wseal, F_ADD_SEALS, F_SEAL_SHRINK) != -1 ||
	    mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, wseal, 0) != MAP_FAILED) {
		fail("the F_SEAL_WRITE memfd takes writes or new seals");
		return 1;
	}
	if (fstat(wseal, &st) || st.st_size != 6 || pread(wseal, buf, 6, 0) != 6 || memcmp(buf, "sealed", 6)) {
		fail("the sealed memfd lost its data");
		return 1;
	}
	seals = fcntl(fseal, F_GET_SEALS);
	if (seals != F_SEAL_FUTURE_WRITE) {
		fail("seals %#x, expected F_SEAL_FUTURE_WRITE", seals);
		return 1;
	}
	if (pwrite(fseal, "x", 1, 0) != -1 || errno != EPERM) {
		fail("write() to the F_SEAL_FUTURE_WRITE memfd succeeds");
		return 1;
	}
	/* The mapping made before the seal stays writable and shared with the file. */
	memcpy(fmap, "after!", 6);
	if (pread(fseal, buf, 6, 0) != 6 || memcmp(buf, "after!", 6)) {
		fail("the shared mapping made before F_SEAL_FUTURE_WRITE is no longer the memfd's");
		return 1;
	}
	pass();
	return 0;
}
