/* s390x raw syscalls for freestanding blobs. */
#ifndef CRIU_TS_SYSCALL_ARCH_H
#define CRIU_TS_SYSCALL_ARCH_H

#include <asm/unistd.h>

/* svc 0: number in r1, arguments in r2-r7, result in r2; every other register survives. */
static inline long arch_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	register long r6 __asm__("r6") = a5;
	register long r7 __asm__("r7") = a6;
	__asm__ volatile("svc 0"
			 : "+d"(r2)
			 : "d"(r1), "d"(r3), "d"(r4), "d"(r5), "d"(r6), "d"(r7)
			 : "memory");
	return r2;
}

/*
 * __NR_mmap is the old one-argument mmap: its six arguments are u64 words in memory and
 * the syscall's only argument is their address (blob-syscall.h and the dumper's injected
 * mmap read this).
 */
#define MMAP_ARGS_IN_MEMORY 1

#endif
