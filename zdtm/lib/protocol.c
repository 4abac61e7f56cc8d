/* The runner protocol: daemonize, announce readiness, wait for SIGTERM, report PASS/FAIL. */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdtmlib.h"
#include "internal.h"

const char *test_name = "zdtm";
volatile sig_atomic_t test_stop_requested;

static const char *pidfile_path;
static const char *outfile_path;
static int failed;
/* Write end of the pipe the launching process waits on; -1 once readiness is announced. */
static int ready_fd = -1;
/* Far above what tests open, so the pipe never sits among the fds a test arranges. */
#define READY_FD_MIN 500

static void on_sigterm(int sig)
{
	(void)sig;
	test_stop_requested = 1;
}

/* Children forked by the test must not keep the launcher's pipe open. */
static void close_ready_fd_in_child(void)
{
	if (ready_fd >= 0) {
		close(ready_fd);
		ready_fd = -1;
	}
}

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", test_name, what, strerror(errno));
	exit(1);
}

/* The launcher: exit 0 once the daemon is ready, or with the daemon's status if it died first. */
static void launcher_wait(int rfd, pid_t daemon_pid)
{
	char c;
	ssize_t n;
	int code, status = 0;

	do
		n = read(rfd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		_exit(0);
	/* End of file without the byte: the daemon died during its setup. */
	while (waitpid(daemon_pid, &status, 0) < 0 && errno == EINTR)
		;
	code = exit_code_of(status);
	_exit(code > 0 ? code : 1);
}

/* stderr (and, unless the test keeps its terminal, stdin and stdout) away from the launcher's. */
static void redirect_stdio(int keep_terminal)
{
	char log_path[4096];
	int null_fd, log_fd;

	snprintf(log_path, sizeof(log_path), "%s.log", outfile_path);
	null_fd = open("/dev/null", O_RDONLY);
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (null_fd < 0 || log_fd < 0)
		die("open log");
	if ((!keep_terminal && (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0)) || dup2(log_fd, 2) < 0)
		die("dup2");
	close(null_fd);
	close(log_fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/*
 * A shell job keeps the session and terminal it was started in: it leads a process group
 * of its own, in the terminal's foreground (SIGTTOU held off while it takes it, as a
 * background group asking would be stopped).
 */
static void become_job(void)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	if (setpgid(0, 0) || sigprocmask(SIG_BLOCK, &ttou, &old) || tcsetpgrp(0, getpgrp()) ||
	    sigprocmask(SIG_SETMASK, &old, NULL))
		die("become a foreground job");
}

static void init(int argc, char **argv, int job)
{
	struct sigaction sa = { .sa_handler = on_sigterm, .sa_flags = SA_RESTART };
	const char *slash = strrchr(argv[0], '/');
	sigset_t term;
	int pipefd[2];
	pid_t pid;

	test_name = slash ? slash + 1 : argv[0];
	zdtm_parse_options(argc, argv, &pidfile_path, &outfile_path);

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, NULL) || sigaction(SIGTERM, &sa, NULL))
		die("SIGTERM setup");

	if (pipe2(pipefd, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0) {
		close(pipefd[1]);
		launcher_wait(pipefd[0], pid);
	}

	close(pipefd[0]);
	ready_fd = fcntl(pipefd[1], F_DUPFD_CLOEXEC, READY_FD_MIN);
	if (ready_fd < 0)
		die("dup ready pipe");
	close(pipefd[1]);
	if (pthread_atfork(NULL, NULL, close_ready_fd_in_child))
		die("pthread_atfork");
	if (job)
		become_job();
	else if (setsid() < 0)
		die("setsid");
	redirect_stdio(job);
	test_msg("started as pid %d\n", getpid());
}

void test_init(int argc, char **argv)
{
	init(argc, argv, 0);
}

void test_init_job(int argc, char **argv)
{
	init(argc, argv, 1);
}

void test_daemon(void)
{
	char tmp[4096], buf[32];
	int fd, len;

	snprintf(tmp, sizeof(tmp), "%s.tmp", pidfile_path);
	len = snprintf(buf, sizeof(buf), "%d\n", getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, buf, len) || close(fd) || rename(tmp, pidfile_path))
		die("write pidfile");

	if (write(ready_fd, "R", 1) != 1)
		die("signal readiness");
	close(ready_fd);
	ready_fd = -1;
	test_msg("ready\n");
}

void test_waitsig(void)
{
	sigset_t wait_mask;

	sigprocmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);
	while (!test_stop_requested)
		sigsuspend(&wait_mask);
	test_msg("SIGTERM received\n");
}

int test_go(void)
{
	sigset_t pending;

	if (test_stop_requested)
		return 0;
	if (sigpending(&pending) == 0 && sigismember(&pending, SIGTERM))
		return 0;
	return 1;
}

/* One write() per line so the runner never sees half a result. */
static void append_result(const char *line, size_t len)
{
	int fd = open(outfile_path, O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd < 0 || write_all(fd, line, len))
		fprintf(stderr, "%s: cannot write %s: %s\n", test_name, outfile_path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

void pass(void)
{
	if (failed) {
		test_msg("pass() after fail(): result stays FAIL\n");
		return;
	}
	test_msg("PASS\n");
	append_result("PASS\n", 5);
}

void zdtm_fail(const char *file, int line, int err, const char *fmt, ...)
{
	char why[1024], out[1400];
	const char *base = strrchr(file, '/');
	va_list ap;
	size_t n;
	int len;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* One line: drop a trailing newline the caller may have written. */
	n = strlen(why);
	while (n && why[n - 1] == '\n')
		why[--n] = '\0';
	len = snprintf(out, sizeof(out), "FAIL: %s:%d %s%s%s\n", base ? base + 1 : file, line, why,
		       err ? ": " : "", err ? strerror(err) : "");
	if (len >= (int)sizeof(out)) {
		len = sizeof(out) - 1;
		out[len - 1] = '\n';
	}
	failed = 1;
	test_msg("%s", out);
	append_result(out, len);
}

void test_msg(const char *fmt, ...)
{
	struct timespec ts;
	char buf[1400];
	va_list ap;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(buf, sizeof(buf), "%ld.%03ld %d: ", (long)ts.tv_sec, ts.tv_nsec / 1000000,
		     getpid());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	write_all(2, buf, strlen(buf));
}
