/* Ignored signals stay ignored: raising them has no effect. */
#include <signal.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGUSR1, SIGPIPE, SIGHUP, SIGINT, SIGQUIT };
	struct sigaction got;
	unsigned i;

	test_init(argc, argv);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (signal(sigs[i], SIG_IGN) == SIG_ERR) {
			fail_errno("signal %d", sigs[i]);
			return 1;
		}
	if (signal(SIGRTMIN + 2, SIG_IGN) == SIG_ERR) {
		fail_errno("signal SIGRTMIN+2");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &got) || got.sa_handler != SIG_IGN) {
			fail("signal %d is no longer ignored", sigs[i]);
			return 1;
		}
		raise(sigs[i]);	/* would kill us if not ignored */
	}
	if (sigaction(SIGRTMIN + 2, NULL, &got) || got.sa_handler != SIG_IGN) {
		fail("SIGRTMIN+2 is no longer ignored");
		return 1;
	}
	raise(SIGRTMIN + 2);
	pass();
	return 0;
}
