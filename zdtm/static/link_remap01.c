/*
 * A shared mapping of a file unlinked but still linked under another name (--link-remap): after
 * restore the mapping is of that very file, so a store through it is seen through the other name.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zdtmlib.h"

static char *filename = "link_remap01.data";
TEST_OPTION(filename, string, "file to map, link elsewhere and unlink", 0);

int main(int argc, char **argv)
{
	char other[4096], buf[8];
	char *map;
	int fd;

	test_init(argc, argv);
	snprintf(other, sizeof(other), "%s.other", filename);
	fd = open(filename, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4096) || (map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED ||
	    close(fd) || link(filename, other) || unlink(filename)) {
		fail_errno("prepare %s", filename);
		return 1;
	}
	memcpy(map, "before", 6);

	test_daemon();
	test_waitsig();

	if (memcmp(map, "before", 6)) {
		fail("the mapping lost its contents");
		return 1;
	}
	memcpy(map, "after!", 6);
	fd = open(other, O_RDONLY);
	if (fd < 0 || pread(fd, buf, 6, 0) != 6 || memcmp(buf, "after!", 6)) {
		fail("a store through the mapping is not seen through %s", other);
		return 1;
	}
	if (access("link_remap.1", F_OK) == 0) {
		fail("the dump's link is left behind");
		return 1;
	}
	pass();
	return 0;
}
