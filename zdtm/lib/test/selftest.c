/* Checks of zdtmlib's pieces that do not need a runner: options, patterns, flags, helpers.
 * Built and run by `make -C zdtm check`; prints each failed check and exits non-zero. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"
#include "../internal.h"

static int failures;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "selftest: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                  \
		}                                                                    \
	} while (0)

static char *name_opt = "default";
static int count_opt = 1;
static unsigned long size_opt = 2;
static int verbose_opt;
TEST_OPTION(name_opt, string, "a string", 0);
TEST_OPTION(count_opt, int, "an int", 0);
TEST_OPTION(size_opt, ulong, "an unsigned long", 0);
TEST_OPTION(verbose_opt, bool, "a flag", 0);

static void check_options(void)
{
	char *argv[] = { "selftest", "--outfile=o", "--name-opt=x y", "--count_opt=-7",
			 "--size-opt=0x10", "--verbose-opt", "--pidfile=p", NULL };
	const char *pidfile = NULL, *outfile = NULL;

	zdtm_parse_options(7, argv, &pidfile, &outfile);
	CHECK(pidfile && !strcmp(pidfile, "p"));
	CHECK(outfile && !strcmp(outfile, "o"));
	CHECK(!strcmp(name_opt, "x y"));
	CHECK(count_opt == -7);
	CHECK(size_opt == 16);
	CHECK(verbose_opt == 1);
}

/* A bad option ends the process with status 2 (usage). */
static int parse_status(char **argv, int argc)
{
	const char *pidfile = NULL, *outfile = NULL;
	pid_t pid = fork();

	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		zdtm_parse_options(argc, argv, &pidfile, &outfile);
		_exit(0);
	}
	return wait_exit_code(pid);
}

static void check_bad_options(void)
{
	char *unknown[] = { "t", "--pidfile=p", "--outfile=o", "--nope=1", NULL };
	char *bad_int[] = { "t", "--pidfile=p", "--outfile=o", "--count-opt=12x", NULL };
	char *no_outfile[] = { "t", "--pidfile=p", NULL };
	char *ok[] = { "t", "--pidfile=p", "--outfile=o", NULL };

	CHECK(parse_status(unknown, 4) == 2);
	CHECK(parse_status(bad_int, 4) == 2);
	CHECK(parse_status(no_outfile, 2) == 2);
	CHECK(parse_status(ok, 3) == 0);
}

static void check_patterns(void)
{
	unsigned char a[1000], b[1000];

	datagen(a, sizeof(a), 1);
	datagen(b, sizeof(b), 2);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(datacmp(a, sizeof(a), 1) == -1);
	CHECK(datacmp(a, 999, 1) == -1);	/* tails shorter than a word */
	a[517] ^= 0x40;
	CHECK(datacmp(a, sizeof(a), 1) == 517);
	CHECK(checksum64(a, sizeof(a)) != checksum64(b, sizeof(b)));
	a[517] ^= 0x40;
	datagen(b, sizeof(b), 1);
	CHECK(checksum64(a, sizeof(a)) == checksum64(b, sizeof(b)));
	b[999] ^= 1;
	CHECK(checksum64(a, sizeof(a)) != checksum64(b, sizeof(b)));
}

static void check_flags_and_children(void)
{
	volatile uint32_t *f = test_shared_alloc(4096);
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		flag_wait(&f[0], 1);
		flag_inc(&f[1]);
		_exit(5);
	}
	flag_set(&f[0], 1);
	flag_wait(&f[1], 1);
	CHECK(wait_exit_code(pid) == 5);

	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(pid, &status, WUNTRACED);
	CHECK(proc_state(pid) == 'T');
	kill(pid, SIGKILL);
	CHECK(wait_exit_code(pid) == 128 + SIGKILL);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	for (int i = 0; i < 100 && proc_state(pid) != 'S'; i++)
		usleep(10000);
	CHECK(proc_state(pid) == 'S');
	kill(pid, SIGKILL);
	wait_exit_code(pid);
	CHECK(proc_state(pid) == '?');	/* reaped: no /proc entry */
}

static void check_helpers(void)
{
	char buf[64], path[] = "/tmp/zdtmlib-selftest-XXXXXX";
	int p[2], fd;

	CHECK(proc_status_field(0, "Pid", buf, sizeof(buf)) == 0 && atoi(buf) == getpid());
	CHECK(proc_status_field(0, "NoSuchKey", buf, sizeof(buf)) == -1);
	fd = mkstemp(path);
	CHECK(fd >= 0 && write_all(fd, "0123456789", 10) == 0);
	CHECK(read_text(path, buf, 8) == 7 && !strcmp(buf, "0123456"));	/* truncated, terminated */
	CHECK(read_text(path, buf, sizeof(buf)) == 10 && !strcmp(buf, "0123456789"));
	close(fd);
	unlink(path);
	CHECK(read_text(path, buf, sizeof(buf)) == -1 && errno == ENOENT);
	CHECK(pipe(p) == 0);
	CHECK(write_all(p[1], "abc", 3) == 0);
	close(p[1]);
	CHECK(read_all(p[0], buf, 3) == 0 && !memcmp(buf, "abc", 3));
	CHECK(read_all(p[0], buf, 1) == -1 && errno == EIO);	/* end of file before the data */
}

int main(void)
{
	check_options();
	check_bad_options();
	check_patterns();
	check_flags_and_children();
	check_helpers();
	if (failures) {
		fprintf(stderr, "selftest: %d check(s) failed\n", failures);
		return 1;
	}
	printf("zdtmlib selftest: all checks passed\n");
	return 0;
}
