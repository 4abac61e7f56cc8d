/* CPU affinity is restored per thread: the main thread pinned to the last CPU, a worker to CPU 0,
 * a second worker left on every CPU. */
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

static cpu_set_t all_cpus, main_set, worker_set;

static int same_set(const cpu_set_t *a, const cpu_set_t *b)
{
	return CPU_EQUAL(a, b);
}

static int first_cpu(const cpu_set_t *set, int last)
{
	int cpu;

	if (last) {
		for (cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
			if (CPU_ISSET(cpu, set))
				return cpu;
	} else {
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, set))
				return cpu;
	}
	return -1;
}

static void setup(int index)
{
	if (index == 1)
		sched_setaffinity(0, sizeof(worker_set), &worker_set);
}

static int check(int index)
{
	cpu_set_t got;

	if (sched_getaffinity(0, sizeof(got), &got))
		return 0;
	if (index == 1 && !same_set(&got, &worker_set)) {
		test_msg("worker 1 has %d CPUs, first %d\n", CPU_COUNT(&got), first_cpu(&got, 0));
		return 0;
	}
	if (index == 2 && !same_set(&got, &all_cpus)) {
		test_msg("worker 2 has %d CPUs, expected %d\n", CPU_COUNT(&got), CPU_COUNT(&all_cpus));
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	cpu_set_t got;
	int bad;

	test_init(argc, argv);
	if (sched_getaffinity(0, sizeof(all_cpus), &all_cpus)) {
		fail_errno("sched_getaffinity");
		return 1;
	}
	if (CPU_COUNT(&all_cpus) < 2)
		test_msg("only one CPU: every set is the same\n");
	CPU_ZERO(&main_set);
	CPU_SET(first_cpu(&all_cpus, 1), &main_set);
	CPU_ZERO(&worker_set);
	CPU_SET(first_cpu(&all_cpus, 0), &worker_set);

	/* Workers first, so that they are created with every CPU. */
	if (test_threads_start(2, setup, check)) {
		fail("cannot start threads");
		return 1;
	}
	if (sched_setaffinity(0, sizeof(main_set), &main_set)) {
		fail_errno("sched_setaffinity");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (sched_getaffinity(0, sizeof(got), &got)) {
		fail_errno("sched_getaffinity");
		return 1;
	}
	if (!same_set(&got, &main_set)) {
		fail("main thread runs on %d CPUs (first %d), expected only CPU %d", CPU_COUNT(&got),
		     first_cpu(&got, 0), first_cpu(&main_set, 0));
		return 1;
	}
	bad = test_threads_check();
	if (bad >= 0) {
		fail("thread %d's affinity changed", bad);
		return 1;
	}
	pass();
	return 0;
}
