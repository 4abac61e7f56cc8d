/* s390x side of the restorer blob: raw syscalls and thread-pointer registers. */
#ifndef CRIU_TS_RESTORER_ARCH_H
#define CRIU_TS_RESTORER_ARCH_H

#include "blob-syscall.h"

#define rst_syscall6 blob_syscall6

/* The thread pointer (a0/a1) is restored by rt_sigreturn from the frame. */
static inline long rst_arch_set_tls(const unsigned long long tls[2])
{
	(void)tls;
	return 0;
}

/* Defined in restorer-entry.S: [rst_finish, rst_finish_end) is copied to the finish area. */
extern const char rst_finish[] __attribute__((visibility("hidden")));
extern const char rst_thread_finish[] __attribute__((visibility("hidden")));
extern const char rst_finish_end[] __attribute__((visibility("hidden")));

/* clone3 for a thread that starts on its own stack in fn(arg). */
__attribute__((visibility("hidden"))) long rst_clone_thread(void *clone_args, unsigned long size, void (*fn)(void *), void *arg);

#endif
