/* A named pipe between two processes, a writer (parent, O_WRONLY) and a reader (child, O_RDONLY),
 * keeps the data queued in it and connects the same two ends after restore. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmlib.h"

#define QUEUED 20000
#define MORE 3000

int main(int argc, char **argv)
{
	static unsigned char data[QUEUED + MORE], buf[QUEUED + MORE];
	volatile uint32_t *step;
	struct stat st_fd, st_path;
	int wr, code;
	pid_t child;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	datagen(data, sizeof(data), 21);
	unlink("fifo01.fifo");
	if (mkfifo("fifo01.fifo", 0600)) {
		fail_errno("mkfifo");
		return 1;
	}
	child = fork();
	if (child == 0) {
		int rd = open("fifo01.fifo", O_RDONLY), fl;

		if (rd < 0)
			exit(10);
		flag_set(step, 1);
		flag_wait(step, 2);
		fl = fcntl(rd, F_GETFL);
		if ((fl & O_ACCMODE) != O_RDONLY || (fl & O_NONBLOCK))
			exit(11);
		if (read_all(rd, buf, sizeof(buf)))
			exit(12);
		if (memcmp(buf, data, sizeof(buf)))
			exit(13);
		/* The writer closed its end: end of file, nobody else writes. */
		if (read(rd, buf, 1) != 0)
			exit(14);
		exit(0);
	}
	wr = open("fifo01.fifo", O_WRONLY);
	if (wr < 0 || write_all(wr, data, QUEUED)) {
		fail_errno("open/write fifo");
		kill(child, SIGKILL);
		return 1;
	}
	flag_wait(step, 1);

	test_daemon();
	test_waitsig();

	if ((fcntl(wr, F_GETFL) & O_ACCMODE) != O_WRONLY || fstat(wr, &st_fd) || !S_ISFIFO(st_fd.st_mode) ||
	    stat("fifo01.fifo", &st_path) || st_fd.st_ino != st_path.st_ino) {
		fail("the writer's descriptor is not the O_WRONLY end of fifo01.fifo any more");
		kill(child, SIGKILL);
		return 1;
	}
	if (write_all(wr, data + QUEUED, MORE)) {
		fail_errno("write after restore");
		kill(child, SIGKILL);
		return 1;
	}
	close(wr);
	flag_set(step, 2);
	code = wait_exit_code(child);
	switch (code) {
	case 0:
		pass();
		return 0;
	case 11:
		fail("the reader's descriptor lost its flags (O_RDONLY, blocking)");
		break;
	case 12:
		fail("the reader got fewer bytes than queued + written after restore");
		break;
	case 13:
		fail("the reader got other data than was queued");
		break;
	case 14:
		fail("the reader sees no end of file after the writer closed: another writer holds the fifo");
		break;
	default:
		fail("reader child failed (%d)", code);
	}
	return 1;
}
