/*
 * A file open at an offset and a pipe to itself holding unread data. When the file
 * "go" appears next to the output, it reads both and reports PASS or FAIL.
 */
#include <string.h>
#include "daemon.h"

int main(int argc, char **argv)
{
	(void)argc;
	char path[4096], go[4096], buf[64] = { 0 };
	snprintf(path, sizeof(path), "%s.data", argv[2]);
	snprintf(go, sizeof(go), "%s.go", argv[2]);
	daemonize(argv);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (write(fd, "hello world", 11) != 11 || lseek(fd, 6, SEEK_SET) != 6)
		return 1;
	int p[2];
	if (pipe(p) || write(p[1], "unread-data", 11) != 11)
		return 1;
	ready(argv);
	while (access(go, F_OK))
		usleep(10000);
	if (read(fd, buf, sizeof(buf) - 1) != 5 || strcmp(buf, "world")) {
		printf("FAIL: file at offset read \"%s\"\n", buf);
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	if (read(p[0], buf, sizeof(buf) - 1) != 11 || strcmp(buf, "unread-data")) {
		printf("FAIL: pipe held \"%s\"\n", buf);
		return 1;
	}
	if (write(p[1], "x", 1) != 1 || read(p[0], buf, 1) != 1 || buf[0] != 'x') {
		printf("FAIL: the pipe's ends are not one pipe\n");
		return 1;
	}
	printf("PASS\n");
	return 0;
}
