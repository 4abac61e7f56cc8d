/* aarch64 side of the restorer blob: raw syscalls and the thread-pointer register. */
#ifndef CRIU_TS_RESTORER_ARCH_H
#define CRIU_TS_RESTORER_ARCH_H

#include <asm/unistd.h>

static inline long rst_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

/* tpidr_el0 is not part of the sigframe but EL0 may write it directly. */
static inline long rst_arch_set_tls(const unsigned long long tls[2])
{
	__asm__ volatile("msr tpidr_el0, %0" : : "r"(tls[0]));
	return 0;
}

/*
 * Defined in restorer-entry.S: [rst_finish, rst_finish_end) is copied to the finish area.
 * Hidden, so that -fPIE code reaches them PC-relative instead of through a GOT the flat
 * blob would have to relocate.
 */
#pragma GCC visibility push(hidden)
extern const char rst_finish[], rst_thread_finish[], rst_finish_end[];

/* clone3 for a thread that starts on its own stack in fn(arg). */
long rst_clone_thread(void *clone_args, unsigned long size, void (*fn)(void *), void *arg);
#pragma GCC visibility pop

#endif
