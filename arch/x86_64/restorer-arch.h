/* x86_64 side of the restorer blob: raw syscalls and thread-pointer registers. */
#ifndef CRIU_TS_RESTORER_ARCH_H
#define CRIU_TS_RESTORER_ARCH_H

#include <asm/unistd.h>
#include <asm/prctl.h>

static inline long rst_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

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
