/* A file opened with O_APPEND still appends at the end, even after the file grew meanwhile. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	char buf[64];
	int fd, other;

	test_init(argc, argv);
	fd = open("file_append00.data", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0 || write_all(fd, "first;", 6) || lseek(fd, 0, SEEK_SET)) {
		fail_errno("prepare file");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!(fcntl(fd, F_GETFL) & O_APPEND)) {
		fail("O_APPEND lost");
		return 1;
	}
	/* Someone else extends the file; our write must still land at the new end. */
	other = open("file_append00.data", O_WRONLY | O_APPEND);
	if (other < 0 || write_all(other, "other;", 6) || write_all(fd, "last;", 5)) {
		fail_errno("write");
		return 1;
	}
	if (read_text("file_append00.data", buf, sizeof(buf)) < 0 || strcmp(buf, "first;other;last;")) {
		fail("file holds \"%s\", expected \"first;other;last;\"", buf);
		return 1;
	}
	pass();
	return 0;
}
