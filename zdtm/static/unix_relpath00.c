/* A unix listener bound to a relative name inside a subdirectory (bind after chdir, then back):
 * after restore its name is still that relative one and it listens at the subdirectory's path. */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "zdtmlib.h"

#define DIR_NAME "unix_relpath00.dir"
#define SOCK_NAME "sk"

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int sk = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (sk < 0)
		return -1;
	if (connect(sk, (struct sockaddr *)&addr, sizeof(addr))) {
		close(sk);
		return -1;
	}
	return sk;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX }, got;
	socklen_t len = sizeof(got);
	struct stat st;
	int lsk, client, acc;
	char buf[4];

	test_init(argc, argv);
	strcpy(addr.sun_path, SOCK_NAME);
	mkdir(DIR_NAME, 0755);
	unlink(DIR_NAME "/" SOCK_NAME);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || chdir(DIR_NAME) ||
	    bind(lsk, (struct sockaddr *)&addr, offsetof(struct sockaddr_un, sun_path) + strlen(SOCK_NAME) + 1) ||
	    listen(lsk, 4) || chdir("..")) {
		fail_errno("bind in %s", DIR_NAME);
		return 1;
	}
	if (stat(SOCK_NAME, &st) == 0) {
		fail("%s exists in the working directory before the dump", SOCK_NAME);
		return 1;
	}

	test_daemon();
	test_waitsig();

	memset(&got, 0, sizeof(got));
	if (getsockname(lsk, (struct sockaddr *)&got, &len) ||
	    len != offsetof(struct sockaddr_un, sun_path) + strlen(SOCK_NAME) + 1 || strcmp(got.sun_path, SOCK_NAME)) {
		fail("the listener is named \"%s\" (length %u), expected \"%s\"", got.sun_path, len, SOCK_NAME);
		return 1;
	}
	if (stat(DIR_NAME "/" SOCK_NAME, &st) || !S_ISSOCK(st.st_mode)) {
		fail_errno("%s/%s is not a socket", DIR_NAME, SOCK_NAME);
		return 1;
	}
	if (stat(SOCK_NAME, &st) == 0) {
		fail("restore bound %s in the working directory instead of %s", SOCK_NAME, DIR_NAME);
		return 1;
	}
	client = connect_to(DIR_NAME "/" SOCK_NAME);
	if (client < 0 || (acc = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("connect to %s/%s and accept", DIR_NAME, SOCK_NAME);
		return 1;
	}
	if (write_all(client, "hey", 3) || read_all(acc, buf, 3) || memcmp(buf, "hey", 3)) {
		fail("the accepted connection carries no data");
		return 1;
	}
	pass();
	return 0;
}
