/* POSIX record locks on several ranges in two processes come back with their exact ranges, types
 * and owners: a read lock both hold on [0,10), the parent's write lock on [20,30) and read lock
 * from 100 to end of file, the child's write lock on [50,60); the gaps stay free. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define PATH "posix_lock01.data"

struct probe {
	short type;
	off_t start, len;
	short got_type;
	off_t got_start, got_len;
	pid_t got_pid;
};

static int lock(int fd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, F_SETLK, &fl);
}

/* Runs the probes from a fresh process (locks are per process), results in shared memory. */
static int run_probes(struct probe *pr, int nr)
{
	pid_t p = fork();

	if (p == 0) {
		int fd = open(PATH, O_RDWR), i;

		if (fd < 0)
			exit(1);
		for (i = 0; i < nr; i++) {
			struct flock fl = { .l_type = pr[i].type, .l_whence = SEEK_SET, .l_start = pr[i].start,
					    .l_len = pr[i].len };

			if (fcntl(fd, F_GETLK, &fl))
				exit(2);
			pr[i].got_type = fl.l_type;
			pr[i].got_start = fl.l_start;
			pr[i].got_len = fl.l_len;
			pr[i].got_pid = fl.l_pid;
		}
		exit(0);
	}
	return p < 0 ? -1 : wait_exit_code(p);
}

/* Checks probe i: the conflicting lock (or F_UNLCK) with its range and owner (0: either). */
static int expect(struct probe *pr, int i, short type, off_t start, off_t len, pid_t owner, pid_t other)
{
	if (pr[i].got_type != type) {
		fail("probe %d at [%ld,+%ld): lock type %d, expected %d", i, (long)pr[i].start, (long)pr[i].len,
		     pr[i].got_type, type);
		return -1;
	}
	if (type == F_UNLCK)
		return 0;
	if (pr[i].got_start != start || pr[i].got_len != len) {
		fail("probe %d: lock on [%ld,+%ld), expected [%ld,+%ld)", i, (long)pr[i].got_start,
		     (long)pr[i].got_len, (long)start, (long)len);
		return -1;
	}
	if (owner ? pr[i].got_pid != owner : (pr[i].got_pid != getpid() && pr[i].got_pid != other)) {
		fail("probe %d: lock held by %d", i, pr[i].got_pid);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	volatile uint32_t *step;
	struct probe *pr;
	pid_t child, me;
	int fd;

	test_init(argc, argv);
	step = test_shared_alloc(4096);
	pr = test_shared_alloc(16 * sizeof(*pr));
	fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || lock(fd, F_RDLCK, 0, 10) || lock(fd, F_WRLCK, 20, 10) || lock(fd, F_RDLCK, 100, 0)) {
		fail_errno("parent locks");
		return 1;
	}
	child = fork();
	if (child == 0) {
		int cfd = open(PATH, O_RDWR);

		if (cfd < 0 || lock(cfd, F_RDLCK, 0, 10) || lock(cfd, F_WRLCK, 50, 10))
			exit(1);
		flag_set(step, 1);
		flag_wait(step, 2);
		exit(0);
	}
	flag_wait(step, 1);

	test_daemon();
	test_waitsig();

	me = getpid();
	pr[0] = (struct probe){ .type = F_WRLCK, .start = 5, .len = 1 };
	pr[1] = (struct probe){ .type = F_RDLCK, .start = 0, .len = 10 };
	pr[2] = (struct probe){ .type = F_RDLCK, .start = 25, .len = 1 };
	pr[3] = (struct probe){ .type = F_RDLCK, .start = 55, .len = 1 };
	pr[4] = (struct probe){ .type = F_WRLCK, .start = 1 << 30, .len = 1 };
	pr[5] = (struct probe){ .type = F_RDLCK, .start = 100, .len = 0 };
	pr[6] = (struct probe){ .type = F_WRLCK, .start = 10, .len = 10 };
	pr[7] = (struct probe){ .type = F_WRLCK, .start = 30, .len = 20 };
	pr[8] = (struct probe){ .type = F_WRLCK, .start = 60, .len = 40 };
	if (run_probes(pr, 9)) {
		fail("probe process failed");
		kill(child, SIGKILL);
		return 1;
	}
	if (expect(pr, 0, F_RDLCK, 0, 10, 0, child) || expect(pr, 1, F_UNLCK, 0, 0, 0, 0) ||
	    expect(pr, 2, F_WRLCK, 20, 10, me, 0) || expect(pr, 3, F_WRLCK, 50, 10, child, 0) ||
	    expect(pr, 4, F_RDLCK, 100, 0, me, 0) || expect(pr, 5, F_UNLCK, 0, 0, 0, 0) ||
	    expect(pr, 6, F_UNLCK, 0, 0, 0, 0) || expect(pr, 7, F_UNLCK, 0, 0, 0, 0) ||
	    expect(pr, 8, F_UNLCK, 0, 0, 0, 0)) {
		kill(child, SIGKILL);
		return 1;
	}
	/* The read lock on [0,10) is two locks: without the parent's, the child's is left. */
	if (lock(fd, F_UNLCK, 0, 10)) {
		fail_errno("unlock");
		kill(child, SIGKILL);
		return 1;
	}
	pr[0] = (struct probe){ .type = F_WRLCK, .start = 5, .len = 1 };
	if (run_probes(pr, 1)) {
		fail("probe process failed");
		kill(child, SIGKILL);
		return 1;
	}
	if (pr[0].got_type == F_UNLCK) {
		fail("the child's read lock on [0,10) is lost");
		kill(child, SIGKILL);
		return 1;
	}
	if (expect(pr, 0, F_RDLCK, 0, 10, child, 0)) {
		kill(child, SIGKILL);
		return 1;
	}
	flag_set(step, 2);
	if (wait_exit_code(child)) {
		fail("child failed");
		return 1;
	}
	pr[0] = (struct probe){ .type = F_WRLCK, .start = 0, .len = 20 };
	pr[1] = (struct probe){ .type = F_WRLCK, .start = 40, .len = 30 };
	if (run_probes(pr, 2) || pr[0].got_type != F_UNLCK || pr[1].got_type != F_UNLCK) {
		fail("the child's locks outlive it");
		return 1;
	}
	pass();
	return 0;
}
