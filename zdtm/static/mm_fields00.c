/* The mm's layout fields are restored exactly: start/end of code and data, start of the stack and
 * of the heap, the argv and environment areas (/proc/self/stat fields 26-28 and 45-51), and the
 * environment area itself (/proc/self/environ) reads the same. */
#include <stdio.h>
#include <stdlib.h>

#include "zdtmlib.h"

static const int fields[] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
static const char *const names[] = { "start_code", "end_code", "start_stack", "start_data", "end_data",
				     "start_brk", "arg_start", "arg_end", "env_start", "env_end" };
#define NR_FIELDS (sizeof(fields) / sizeof(fields[0]))

static int read_fields(unsigned long long *vals)
{
	char buf[4096], *p;
	unsigned i;
	int f;

	if (read_text("/proc/self/stat", buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return -1;
	p += 2;	/* field 3 */
	for (f = 3, i = 0; i < NR_FIELDS && *p; f++) {
		if (f == fields[i])
			vals[i++] = strtoull(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	return i == NR_FIELDS ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned long long before[NR_FIELDS], after[NR_FIELDS];
	static char env_before[65536], env_after[65536];
	ssize_t n, m;
	unsigned i;

	test_init(argc, argv);
	n = read_text("/proc/self/environ", env_before, sizeof(env_before));
	if (read_fields(before) || n < 0) {
		fail_errno("read /proc/self");
		return 1;
	}
	for (i = 0; i < NR_FIELDS; i++)
		if (!before[i]) {
			fail("%s reads 0 before the dump", names[i]);
			return 1;
		}

	test_daemon();
	test_waitsig();

	if (read_fields(after)) {
		fail_errno("read /proc/self/stat");
		return 1;
	}
	for (i = 0; i < NR_FIELDS; i++)
		if (after[i] != before[i]) {
			fail("%s is %#llx, was %#llx", names[i], after[i], before[i]);
			return 1;
		}
	m = read_text("/proc/self/environ", env_after, sizeof(env_after));
	if (m != n || memcmp(env_before, env_after, n)) {
		fail("/proc/self/environ changed (%zd bytes, was %zd)", m, n);
		return 1;
	}
	pass();
	return 0;
}
