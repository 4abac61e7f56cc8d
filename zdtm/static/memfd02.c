/* One memfd mapped MAP_SHARED by two processes: the test (which keeps the fd) and a child that
 * mapped it with its own mmap() and closed its fd. The data both wrote before the dump is in both
 * mappings and the fd after restore, and writes by either show in the other's mapping and in the
 * memfd: still one object, not two copies. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PAGES 4

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = PAGES * page;
	unsigned char *map, *want = malloc(len), *buf = malloc(len);
	volatile uint32_t *step;
	struct stat st;
	pid_t child;
	int fd, code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	fd = memfd_create("memfd02", 0);
	if (fd < 0 || ftruncate(fd, len)) {
		fail_errno("memfd_create");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		unsigned char *cmap = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (cmap == MAP_FAILED)
			exit(1);
		close(fd);
		datagen(cmap + page, page, 1);
		flag_set(step, 1);
		flag_wait(step, 2);
		/* After restore: page 0 has the parent's data, we write page 2. */
		datagen(want, page, 0);
		if (memcmp(cmap, want, page))
			exit(2);
		memcpy(cmap + 2 * page, "from the child", 14);
		flag_set(step, 3);
		flag_wait(step, 4);
		exit(memcmp(cmap + 3 * page, "from the parent", 15) ? 3 : 0);
	}
	flag_wait(step, 1);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	datagen(map, page, 0);

	test_daemon();
	test_waitsig();

	datagen(want, page, 0);
	datagen(want + page, page, 1);
	memset(want + 2 * page, 0, 2 * page);
	if (fstat(fd, &st) || st.st_size != (off_t)len) {
		fail("memfd size %lld, expected %zu", (long long)st.st_size, len);
		goto kill;
	}
	if (memcmp(map, want, len)) {
		fail("our mapping does not hold both processes' data");
		goto kill;
	}
	if (pread(fd, buf, len, 0) != (ssize_t)len || memcmp(buf, want, len)) {
		fail("the memfd does not hold both processes' data");
		goto kill;
	}
	flag_set(step, 2);
	flag_wait(step, 3);
	if (memcmp(map + 2 * page, "from the child", 14) || pread(fd, buf, 14, 2 * page) != 14 ||
	    memcmp(buf, "from the child", 14)) {
		fail("the child's write does not show in our mapping or the memfd");
		goto kill;
	}
	memcpy(map + 3 * page, "from the parent", 15);
	flag_set(step, 4);
	code = wait_exit_code(child);
	if (code) {
		fail("child: %s (code %d)", code == 2 ? "our data is not in its mapping" : "it does not see our write", code);
		return 1;
	}
	pass();
	return 0;
kill:
	kill(child, SIGKILL);
	return 1;
}
