/* Shared memory flags between tasks, and small file/process helpers. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

/* Data a test expects is already there or comes promptly: lost data must fail, not hang. */
#define READ_ALL_TIMEOUT_MS 10000
/* Children are told to finish and do so at once; a longer wait means they are stuck. */
#define WAIT_CHILD_TIMEOUT_MS 10000

void *test_shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fail_errno("mmap shared %zu bytes", len);
		exit(1);
	}
	return p;
}

/* Not FUTEX_PRIVATE: the flag may live in memory shared between processes. */
void flag_set(volatile uint32_t *flag, uint32_t value)
{
	__atomic_store_n(flag, value, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, flag, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
}

void flag_inc(volatile uint32_t *flag)
{
	__atomic_add_fetch(flag, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, flag, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
}

void flag_wait(volatile uint32_t *flag, uint32_t value)
{
	uint32_t cur;

	while ((cur = __atomic_load_n(flag, __ATOMIC_SEQ_CST)) != value)
		syscall(SYS_futex, flag, FUTEX_WAIT, cur, NULL, NULL, 0);
}

ssize_t read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

int proc_status_field(pid_t pid, const char *key, char *buf, size_t size)
{
	char path[64], text[8192], *line, *end;
	size_t klen = strlen(key);

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	if (read_text(path, text, sizeof(text)) < 0)
		return -1;
	for (line = text; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			line += klen + 1;
			while (*line == ' ' || *line == '\t')
				line++;
			snprintf(buf, size, "%.*s", end ? (int)(end - line) : (int)strlen(line), line);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

char proc_state(pid_t pid)
{
	char path[64], stat[512], *paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	/* The command name may hold spaces and parentheses: the state follows the last ')'. */
	if (read_text(path, stat, sizeof(stat)) < 0 || !(paren = strrchr(stat, ')')) || !paren[1])
		return '?';
	return paren[2];
}

/* Exit code (or 128 + signal) from a wait status. */
int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int wait_exit_code(pid_t pid)
{
	int status, waited_ms;
	pid_t r;

	/* Polled, so a child stuck on lost state is killed and reported instead of hanging us. */
	for (waited_ms = 0; waited_ms < WAIT_CHILD_TIMEOUT_MS; waited_ms += 10) {
		r = waitpid(pid, &status, WNOHANG);
		if (r > 0)
			return exit_code_of(status);
		if (r < 0 && errno != EINTR)
			return -1;
		usleep(10000);
	}
	test_msg("child %d did not exit within %d ms: killing it\n", pid, WAIT_CHILD_TIMEOUT_MS);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	errno = ETIMEDOUT;
	return -1;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int read_all(int fd, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *p = buf;
	ssize_t n;
	int r;

	while (len) {
		r = poll(&pfd, 1, READ_ALL_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		n = read(fd, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* premature end of data */
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int loopback_socket(int type, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int sk = socket(AF_INET, type, 0);

	*addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (sk < 0)
		return -1;
	if (bind(sk, (struct sockaddr *)addr, sizeof(*addr)) || getsockname(sk, (struct sockaddr *)addr, &len)) {
		close(sk);
		return -1;
	}
	return sk;
}

int loopback_connect(int backlog, int *lsk, int *client, struct sockaddr_in *addr)
{
	*lsk = loopback_socket(SOCK_STREAM, addr);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*lsk < 0 || *client < 0 || listen(*lsk, backlog))
		return -1;
	return connect(*client, (struct sockaddr *)addr, sizeof(*addr));
}

int pty_pair(int *master, int *slave, int slave_flags)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	if (!slave)
		return 0;
	*slave = open(ptsname(*master), slave_flags);
	return *slave < 0 ? -1 : 0;
}

int pidfd_open_raw(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

int pidfd_pid(int pidfd)
{
	char path[64], buf[512], *p;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if (read_text(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "\nPid:")))
		return -2;
	return atoi(p + 5);
}
