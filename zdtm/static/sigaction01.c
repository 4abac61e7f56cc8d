/* Every catchable signal gets a disposition of its own (handler, SIG_IGN or SIG_DFL; flags from
 * SA_SIGINFO/SA_RESTART/SA_ONSTACK/SA_NODEFER; a mask of its own): all read back exactly, and each
 * handler runs with exactly its mask (on the alternate stack with SA_ONSTACK). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "zdtmlib.h"

#define FLAGS (SA_SIGINFO | SA_RESTART | SA_ONSTACK | SA_NODEFER)
#define STACK_SIZE (64 * 1024)

static char *altstack;
static volatile sig_atomic_t ran[_NSIG], bad_mask[_NSIG], bad_stack[_NSIG];
static sigset_t expect_in_handler[_NSIG];

static int usable(int sig)
{
	/* KILL/STOP cannot be caught, TERM is the runner's, 32..SIGRTMIN-1 belong to libc. */
	return sig != SIGKILL && sig != SIGSTOP && sig != SIGTERM && !(sig >= 32 && sig < SIGRTMIN);
}

static int kind_of(int sig)	/* 0: plain handler, 1: siginfo handler, 2: SIG_IGN, 3: SIG_DFL */
{
	return (sig * 7) % 4;
}

static int flags_of(int sig)
{
	int f = 0;

	if (sig & 1)
		f |= SA_RESTART;
	if (sig & 2)
		f |= SA_ONSTACK;
	if (sig & 4)
		f |= SA_NODEFER;
	if (kind_of(sig) == 1)
		f |= SA_SIGINFO;
	return f;
}

static void mask_of(int sig, sigset_t *set)
{
	int a = 1 + (sig * 5) % (SIGRTMAX - 1), b = 1 + (sig * 11 + 3) % (SIGRTMAX - 1);

	sigemptyset(set);
	if (usable(a) && a != sig)
		sigaddset(set, a);
	if (usable(b) && b != sig)
		sigaddset(set, b);
}

static void record(int sig)
{
	sigset_t cur;
	char here;
	int s;

	ran[sig]++;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	for (s = 1; s < SIGRTMAX + 1; s++)
		if (s != SIGKILL && s != SIGSTOP && sigismember(&cur, s) != sigismember(&expect_in_handler[sig], s))
			bad_mask[sig] = s;
	bad_stack[sig] = !!(flags_of(sig) & SA_ONSTACK) != (&here >= altstack && &here < altstack + STACK_SIZE);
}

static void handler(int sig)
{
	record(sig);
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_signo == sig)
		record(sig);
}

int main(int argc, char **argv)
{
	struct sigaction sa, got;
	sigset_t want, cur;
	stack_t ss;
	int sig, s;

	test_init(argc, argv);
	altstack = malloc(STACK_SIZE);
	ss = (stack_t){ .ss_sp = altstack, .ss_size = STACK_SIZE };
	if (!altstack || sigaltstack(&ss, NULL)) {
		fail_errno("sigaltstack");
		return 1;
	}
	for (sig = 1; sig <= SIGRTMAX; sig++) {
		if (!usable(sig))
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_flags = flags_of(sig);
		mask_of(sig, &sa.sa_mask);
		switch (kind_of(sig)) {
		case 0: sa.sa_handler = handler; break;
		case 1: sa.sa_sigaction = info_handler; break;
		case 2: sa.sa_handler = SIG_IGN; break;
		case 3: sa.sa_handler = SIG_DFL; break;
		}
		if (sigaction(sig, &sa, NULL)) {
			fail_errno("sigaction %d", sig);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (sig = 1; sig <= SIGRTMAX; sig++) {
		if (!usable(sig))
			continue;
		if (sigaction(sig, NULL, &got)) {
			fail_errno("sigaction %d", sig);
			return 1;
		}
		if ((got.sa_flags & FLAGS) != flags_of(sig)) {
			fail("signal %d: flags %#x, expected %#x", sig, got.sa_flags & FLAGS, flags_of(sig));
			return 1;
		}
		switch (kind_of(sig)) {
		case 0: s = got.sa_handler == handler; break;
		case 1: s = got.sa_sigaction == info_handler; break;
		case 2: s = got.sa_handler == SIG_IGN; break;
		default: s = got.sa_handler == SIG_DFL; break;
		}
		if (!s) {
			fail("signal %d: handler %p, expected kind %d", sig, (void *)got.sa_handler, kind_of(sig));
			return 1;
		}
		mask_of(sig, &want);
		for (s = 1; s <= SIGRTMAX; s++)
			if (sigismember(&got.sa_mask, s) != sigismember(&want, s)) {
				fail("signal %d: sa_mask differs at signal %d", sig, s);
				return 1;
			}
	}
	/* Delivery: every handled signal, raised once, sees the current mask + sa_mask (+ itself). */
	sigprocmask(SIG_BLOCK, NULL, &cur);
	for (sig = 1; sig <= SIGRTMAX; sig++) {
		if (!usable(sig) || kind_of(sig) > 1)
			continue;
		mask_of(sig, &want);
		expect_in_handler[sig] = cur;
		for (s = 1; s <= SIGRTMAX; s++)
			if (sigismember(&want, s))
				sigaddset(&expect_in_handler[sig], s);
		if (!(flags_of(sig) & SA_NODEFER))
			sigaddset(&expect_in_handler[sig], sig);
		raise(sig);
		if (ran[sig] != 1 || bad_mask[sig] || bad_stack[sig]) {
			fail("signal %d: handler ran %d times, mask wrong at %d, %s stack", sig, ran[sig],
			     bad_mask[sig], bad_stack[sig] ? "wrong" : "right");
			return 1;
		}
	}
	pass();
	return 0;
}
