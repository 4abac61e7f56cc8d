/* x86_64 side of the restorer blob: thread-pointer registers, the finish trampoline, threads. */
#ifndef CRIU_TS_RESTORER_ARCH_H
#define CRIU_TS_RESTORER_ARCH_H

#include <asm/prctl.h>
#include "blob-syscall.h"

/* The restorer's name for the raw syscall the parasite uses too. */
#define rst_syscall6 blob_syscall6

/* fs_base and gs_base are not part of the sigframe: set them before sigreturn. */
static inline long rst_arch_set_tls(const unsigned long long tls[2])
{
	long ret = rst_syscall6(__NR_arch_prctl, ARCH_SET_FS, (long)tls[0], 0, 0, 0, 0);
	if (ret == 0 && tls[1])
		ret = rst_syscall6(__NR_arch_prctl, ARCH_SET_GS, (long)tls[1], 0, 0, 0, 0);
	return ret;
}

/* Defined in restorer-entry.S: [rst_finish, rst_finish_end) is copied to the finish area. */
extern const char rst_finish[], rst_thread_finish[], rst_finish_end[];

/* clone3 for a thread that starts on its own stack in fn(arg). */
long rst_clone_thread(void *clone_args, unsigned long size, void (*fn)(void *), void *arg);

#endif
