/* aarch64 side of the restorer blob: raw syscalls and the thread-pointer register. */
#ifndef CRIU_TS_RESTORER_ARCH_H
#define CRIU_TS_RESTORER_ARCH_H

#include "blob-syscall.h"

#define rst_syscall6 blob_syscall6

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
