/* ppc64le side of the restorer blob: raw syscalls; the thread pointer (r13) is in the sigframe. */
#ifndef CRIU_TS_RESTORER_ARCH_H
#define CRIU_TS_RESTORER_ARCH_H

#include "blob-syscall.h"

#define rst_syscall6 blob_syscall6

static inline long rst_arch_set_tls(const unsigned long long tls[2])
{
	(void)tls;
	return 0;
}

/*
 * Defined in restorer-entry.S: [rst_finish, rst_finish_end) is copied to the finish area.
 * Hidden, so that the code reaches them TOC-relative without a GOT entry to relocate.
 */
#pragma GCC visibility push(hidden)
extern const char rst_finish[], rst_thread_finish[], rst_finish_end[];

/* clone3 for a thread that starts on its own stack in fn(arg). */
long rst_clone_thread(void *clone_args, unsigned long size, void (*fn)(void *), void *arg);
#pragma GCC visibility pop

#endif
