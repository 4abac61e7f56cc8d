/* An eventfd keeps its 64-bit counter and its flags. */
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	uint64_t v;
	int counter;

	test_init(argc, argv);
	counter = eventfd(0, EFD_NONBLOCK);
	v = 0x123456789ULL;
	if (counter < 0 || write(counter, &v, 8) != 8) {
		fail_errno("eventfd");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!(fcntl(counter, F_GETFL) & O_NONBLOCK)) {
		fail("O_NONBLOCK lost");
		return 1;
	}
	if (read(counter, &v, 8) != 8 || v != 0x123456789ULL) {
		fail("counter is %#llx, expected 0x123456789", (unsigned long long)v);
		return 1;
	}
	if (read(counter, &v, 8) != -1 || errno != EAGAIN) {
		fail("counter was not reset by the read");
		return 1;
	}
	pass();
	return 0;
}
