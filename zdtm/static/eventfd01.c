/* A semaphore-mode eventfd keeps counting down by one from where it was (3). */
#include <sys/eventfd.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	uint64_t v;
	int sem;

	test_init(argc, argv);
	sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	if (sem < 0) {
		fail_errno("eventfd");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (int i = 0; i < 3; i++)
		if (read(sem, &v, 8) != 8 || v != 1) {
			fail("semaphore read %d gave %llu, expected 1", i, (unsigned long long)v);
			return 1;
		}
	if (read(sem, &v, 8) != -1 || errno != EAGAIN) {
		fail("semaphore counted more than 3");
		return 1;
	}
	pass();
	return 0;
}
