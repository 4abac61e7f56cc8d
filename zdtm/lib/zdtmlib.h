/*
 * zdtmlib: the small library every ZDTM test links.
 *
 * A test's life, as the runner sees it:
 *   test_init(argc, argv)  parse --pidfile=F --outfile=F and the test's own --name=value options,
 *                          daemonize (the launching process exits once the test is ready);
 *   ...set up state...
 *   test_daemon()          state is complete: the PID appears in the pidfile (atomically);
 *   test_waitsig()         sleep until SIGTERM (the runner checkpoints/restores meanwhile);
 *   ...check state...
 *   pass() or fail(...)    one line in the outfile: "PASS" or "FAIL: <file>:<line> <why>".
 *
 * SIGTERM is blocked in every thread and only taken inside test_waitsig() (or an explicit
 * rt_sigsuspend), so the stop request never interrupts a thread in the middle of the state
 * under test. Messages from test_msg() (and anything on stdout/stderr) go to <outfile>.log.
 */
#ifndef ZDTMLIB_H
#define ZDTMLIB_H

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* ---- test-specific options: --name=value ---- */

enum zdtm_opt_kind { ZDTM_OPT_string, ZDTM_OPT_int, ZDTM_OPT_ulong, ZDTM_OPT_bool };

struct zdtm_opt {
	const char *name;
	enum zdtm_opt_kind kind;
	void *value;		/* char **, int *, unsigned long * or int * (bool) */
	const char *help;
	int required;
	int seen;
	struct zdtm_opt *next;
};

void zdtm_add_opt(struct zdtm_opt *opt);

/*
 * Declares that the variable `var` (already defined with its default) is set by --var=value
 * (dashes and underscores are interchangeable in the option name).
 * kind: string (char *), int (int), ulong (unsigned long), bool (int; "--var" alone means 1).
 */
#define TEST_OPTION(var, kind, help, required)                                          \
	static struct zdtm_opt zdtm_opt_##var = { #var, ZDTM_OPT_##kind, &(var), (help), \
						  (required), 0, NULL };                 \
	static void __attribute__((constructor)) zdtm_register_##var(void)              \
	{                                                                                \
		zdtm_add_opt(&zdtm_opt_##var);                                           \
	}

/* ---- protocol ---- */

extern const char *test_name;			/* basename of argv[0] */
extern volatile sig_atomic_t test_stop_requested; /* set by the SIGTERM handler */

void test_init(int argc, char **argv);
/* test_init for a shell job (desc "terminal": true): the test stays in the session and on the
 * terminal it was started from (stdin and stdout), leading its own foreground process group. */
void test_init_job(int argc, char **argv);
void test_daemon(void);
void test_waitsig(void);
/* True until SIGTERM has arrived (pending or handled): for tests that keep working while waiting,
 * as in `while (test_go()) work(); test_waitsig();` (test_waitsig then returns at once). */
int test_go(void);

void pass(void);
void zdtm_fail(const char *file, int line, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define fail(...) zdtm_fail(__FILE__, __LINE__, 0, __VA_ARGS__)
/* Like fail(), with strerror(errno) appended. */
#define fail_errno(...) zdtm_fail(__FILE__, __LINE__, errno, __VA_ARGS__)

void test_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- data patterns and checksums ---- */

/* Fills buf with a pseudo-random pattern determined by seed. */
void datagen(void *buf, size_t len, uint64_t seed);
/* Offset of the first byte that differs from datagen(seed)'s pattern, or -1 if all match. */
ssize_t datacmp(const void *buf, size_t len, uint64_t seed);
uint64_t checksum64(const void *buf, size_t len);

/* ---- synchronisation between tasks (threads or processes sharing the memory) ---- */

/* Anonymous MAP_SHARED memory, zeroed; inherited across fork. Exits on failure. */
void *test_shared_alloc(size_t len);
void flag_set(volatile uint32_t *flag, uint32_t value);
/* Atomically adds one (e.g. "one more child is ready") and wakes the waiters. */
void flag_inc(volatile uint32_t *flag);
/* Sleeps until *flag == value. */
void flag_wait(volatile uint32_t *flag, uint32_t value);

/* ---- threads with per-thread state ---- */

/*
 * Starts nr threads numbered 1..nr (the caller is thread 0 by convention); each runs setup(i),
 * then sleeps until test_threads_check(), then runs check(i) (non-zero: state is intact).
 * Returns when every thread has finished its setup; 0, or -1 if a thread could not be created.
 */
int test_threads_start(int nr, void (*setup)(int index), int (*check)(int index));
/* Wakes the threads to check, joins them: the number of the first failing thread, or -1. */
int test_threads_check(void);

/* ---- small helpers ---- */

/* Reads a whole (small) file into buf, NUL-terminated; returns its length or -1 (errno set). */
ssize_t read_text(const char *path, char *buf, size_t size);
/* Copies the value of "Key:" from /proc/<pid>/status into buf (pid 0: self); 0 or -1. */
int proc_status_field(pid_t pid, const char *key, char *buf, size_t size);
/* The state letter (R, S, T, Z...) of a process or thread from /proc/<pid>/stat; '?' if unknown. */
char proc_state(pid_t pid);
/* Waits for a child (pid -1: any): its exit code, 128 + signal if killed, or -1 if waitpid failed
 * or (errno ETIMEDOUT) the child did not exit within 10 s, in which case it has been killed. */
int wait_exit_code(pid_t pid);
/* The same figure from a wait status. */
int exit_code_of(int status);
/* write()/read() of exactly len bytes (retrying short transfers); 0 or -1. read_all gives up
 * with ETIMEDOUT when no data comes for 10 s, so a test with lost data fails instead of hanging. */
int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, void *buf, size_t len);

/* ---- loopback sockets ---- */

/* A socket of type (SOCK_DGRAM, SOCK_STREAM) bound to 127.0.0.1 on a free port, *addr its
 * address; -1 (errno set) on failure. */
int loopback_socket(int type, struct sockaddr_in *addr);
/* A TCP listener on 127.0.0.1 (*addr) and a client connected to it, not accepted; 0 or -1. */
int loopback_connect(int backlog, int *lsk, int *client, struct sockaddr_in *addr);

/* ---- pseudo-terminals ---- */

/* A new unlocked pty master (O_NOCTTY) and, unless slave is NULL, its slave opened with
 * slave_flags (O_RDWR | O_NOCTTY for one that is nobody's terminal); 0 or -1 (errno set). */
int pty_pair(int *master, int *slave, int slave_flags);

/* ---- pidfds ---- */

/* pidfd_open(2) by its syscall (libc may lack a wrapper). */
int pidfd_open_raw(pid_t pid, unsigned int flags);
/* The pid a pidfd names (its fdinfo's Pid: line): -1 for a process gone, -2 if unreadable. */
int pidfd_pid(int pidfd);

#endif
