/*
 * The syscall of the blobs and of the addon's restore child: the arch's raw syscall
 * (<arch>/syscall-arch.h), taking mmap's arguments from memory where that arch's header
 * defines MMAP_ARGS_IN_MEMORY.
 */
#ifndef CRIU_TS_BLOB_SYSCALL_H
#define CRIU_TS_BLOB_SYSCALL_H

#include "syscall-arch.h"

static inline long blob_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
#ifdef MMAP_ARGS_IN_MEMORY
	if (nr == __NR_mmap) {
		volatile long block[6] = { a1, a2, a3, a4, a5, a6 };
		return arch_syscall6(nr, (long)block, 0, 0, 0, 0, 0);
	}
#endif
	return arch_syscall6(nr, a1, a2, a3, a4, a5, a6);
}

#endif
