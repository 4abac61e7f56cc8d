/* IPC namespaces: the test unshares one and changes its limits (msgmax, mqueue msg_max) and
 * the id the next shared memory segment gets. After restore the limits are there and the
 * next segment gets that id: the namespace came back with its state, not a fresh one. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "zdtmlib.h"

#define MSGMAX 23456
#define MQ_MSG_MAX 20
#define NEXT_SHM_ID 77

static int write_sysctl(const char *path, long value)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%ld", value) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static long read_sysctl(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -2;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -2;
		fclose(f);
	}
	return v;
}

int main(int argc, char **argv)
{
	long msgmax, mq, id;

	test_init(argc, argv);
	if (unshare(CLONE_NEWIPC)) {
		fail_errno("unshare(CLONE_NEWIPC)");
		return 1;
	}
	if (write_sysctl("/proc/sys/kernel/msgmax", MSGMAX) || write_sysctl("/proc/sys/fs/mqueue/msg_max", MQ_MSG_MAX) ||
	    write_sysctl("/proc/sys/kernel/shm_next_id", NEXT_SHM_ID)) {
		fail_errno("sysctl");
		return 1;
	}

	test_daemon();
	test_waitsig();

	msgmax = read_sysctl("/proc/sys/kernel/msgmax");
	mq = read_sysctl("/proc/sys/fs/mqueue/msg_max");
	if (msgmax != MSGMAX || mq != MQ_MSG_MAX) {
		fail("msgmax %ld (expected %d), mqueue msg_max %ld (expected %d)", msgmax, MSGMAX, mq, MQ_MSG_MAX);
		return 1;
	}
	id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	if (id != NEXT_SHM_ID) {
		fail("the next shared memory segment got id %ld, expected %d", id, NEXT_SHM_ID);
		return 1;
	}
	pass();
	return 0;
}
