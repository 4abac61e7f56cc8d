/* Child processes survive with their pids, parent link and memory, and exit normally after. */
#include <stdlib.h>
#include <unistd.h>

#include "zdtmlib.h"

#define NR_CHILDREN 4
#define DATA_LEN (64 * 1024)

int main(int argc, char **argv)
{
	volatile uint32_t *ready;
	uint32_t *check;
	pid_t kids[NR_CHILDREN], parent;
	int i, code;

	test_init(argc, argv);
	parent = getpid();
	ready = test_shared_alloc(4096);
	check = (uint32_t *)ready + 1;
	for (i = 0; i < NR_CHILDREN; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			fail_errno("fork");
			return 1;
		}
		if (kids[i] == 0) {
			unsigned char *data = malloc(DATA_LEN);

			datagen(data, DATA_LEN, 500 + i);
			flag_inc(ready);
			flag_wait(check, 1);
			if (getppid() != parent)
				exit(2);
			exit(datacmp(data, DATA_LEN, 500 + i) >= 0 ? 3 : 10 + i);
		}
	}
	flag_wait(ready, NR_CHILDREN);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_CHILDREN; i++)
		if (kill(kids[i], 0)) {
			fail_errno("child %d (pid %d) is gone", i, kids[i]);
			return 1;
		}
	flag_set(check, 1);
	for (i = 0; i < NR_CHILDREN; i++) {
		code = wait_exit_code(kids[i]);
		if (code != 10 + i) {
			fail("child %d exited with %d (2: wrong parent, 3: data lost)", i, code);
			return 1;
		}
	}
	pass();
	return 0;
}
