/*
 * A file unlinked while open but still linked under another name (--link-remap): after restore
 * the fd is that very file again (one inode with the other name, writes seen through both), at
 * its offset, and the link the dump made for the restore is gone.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

static char *filename = "link_remap00.data";
TEST_OPTION(filename, string, "file to open, link elsewhere and unlink", 0);

int main(int argc, char **argv)
{
	char other[4096], buf[16];
	struct stat st, ost;
	struct dirent *de;
	DIR *dir;
	int fd;

	test_init(argc, argv);
	snprintf(other, sizeof(other), "%s.other", filename);
	fd = open(filename, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_all(fd, "0123456789", 10) || lseek(fd, 4, SEEK_SET) != 4 || link(filename, other) ||
	    unlink(filename)) {
		fail_errno("prepare %s", filename);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fstat(fd, &st) || stat(other, &ost)) {
		fail_errno("stat");
		return 1;
	}
	if (st.st_ino != ost.st_ino || st.st_dev != ost.st_dev || st.st_nlink != 1) {
		fail("the fd is not the file linked as %s (nlink %lu)", other, (unsigned long)st.st_nlink);
		return 1;
	}
	if (lseek(fd, 0, SEEK_CUR) != 4 || write_all(fd, "xy", 2)) {
		fail("offset lost");
		return 1;
	}
	int ofd = open(other, O_RDONLY);
	if (ofd < 0 || read(ofd, buf, 10) != 10 || memcmp(buf, "0123xy6789", 10)) {
		fail("a write through the fd is not seen through %s", other);
		return 1;
	}
	dir = opendir(".");
	while (dir && (de = readdir(dir)))
		if (!strncmp(de->d_name, "link_remap.", 11)) {
			fail("the dump's link %s is left behind", de->d_name);
			return 1;
		}
	if (access(filename, F_OK) == 0) {
		fail("%s reappeared", filename);
		return 1;
	}
	pass();
	return 0;
}
