/* A MAP_SHARED file mapping written before the dump (never msync'ed) and shared with a child by
 * fork: read() of the fd kept open, from its offset, returns what was written through the map; the
 * child's writes through its inherited mapping after restore show in the test's mapping and in
 * the file, and the test's writes show in the child's. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NAME "file_shared01.data"
#define PAGES 6

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE), len = PAGES * page;
	unsigned char *map, *buf = malloc(len), *want = malloc(len);
	volatile uint32_t *step;
	pid_t child;
	int fd, code;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	fd = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, len)) {
		fail_errno("create " NAME);
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fail_errno("mmap");
		return 1;
	}
	/* Pages 0-3 are written through the map only; 4 and 5 stay zero. */
	datagen(map, 4 * page, 41);
	if (lseek(fd, page + 100, SEEK_SET) != (off_t)(page + 100)) {
		fail_errno("lseek");
		return 1;
	}
	child = fork();
	if (child < 0) {
		fail_errno("fork");
		return 1;
	}
	if (child == 0) {
		flag_wait(step, 1);
		memcpy(map + 4 * page, "child wrote page 4", 18);
		flag_set(step, 2);
		flag_wait(step, 3);
		exit(memcmp(map + 5 * page, "parent wrote page 5", 19) ? 1 : 0);
	}

	test_daemon();
	test_waitsig();

	datagen(want, 4 * page, 41);
	memset(want + 4 * page, 0, 2 * page);
	if (read_all(fd, buf, len - page - 100) || memcmp(buf, want + page + 100, len - page - 100)) {
		fail("read() from offset %zu does not give what was written through the mapping", page + 100);
		goto kill;
	}
	if (memcmp(map, want, len)) {
		fail("the mapping lost its data");
		goto kill;
	}
	flag_set(step, 1);
	flag_wait(step, 2);
	if (memcmp(map + 4 * page, "child wrote page 4", 18)) {
		fail("the child's write through its mapping does not show in ours");
		goto kill;
	}
	if (pread(fd, buf, 18, 4 * page) != 18 || memcmp(buf, "child wrote page 4", 18)) {
		fail("the child's write through its mapping is not in the file");
		goto kill;
	}
	memcpy(map + 5 * page, "parent wrote page 5", 19);
	flag_set(step, 3);
	code = wait_exit_code(child);
	if (code) {
		fail("the child does not see our write in its mapping (code %d)", code);
		return 1;
	}
	pass();
	return 0;
kill:
	kill(child, SIGKILL);
	return 1;
}
