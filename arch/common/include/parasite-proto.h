/*
 * The parasite's contract with the dumper: the one place its layout is declared.
 * src/blob/struct-layout.ts parses the structs and the par_cmd enum below at run time;
 * src/dump/parasite.ts writes par_args and par_req and reads every reply by these struct
 * and field names. So keep to what that parser reads: the types of contract-types.h, one
 * field per line, arrays of constant length, nested `struct par_*` fields, enum members
 * with explicit numbers. A new command is a PAR_CMD_ number, its reply struct (beginning
 * with `s64 ret`, like struct par_reply) and a reader in parasite.ts.
 */
#ifndef CRIU_TS_PARASITE_PROTO_H
#define CRIU_TS_PARASITE_PROTO_H

#include "contract-types.h"

/* Written by the dumper into the parasite area before the parasite starts. */
struct par_args {
	u64 frame_sp;	/* rt_sigreturn stack pointer: resumes the task as it was */
	u32 addr_len;	/* bytes of addr used (sun_family + abstract name) */
	u32 pad;
	u8 addr[112];	/* struct sockaddr_un of the dumper's listening socket */
};

enum par_cmd {
	PAR_CMD_FINI = 1,	/* struct par_reply, then return: the entry traps to the dumper */
	PAR_CMD_TASK = 2,	/* process-wide state: struct par_task_reply */
	PAR_CMD_THREAD = 3,	/* state of the thread running the parasite: struct par_thread_reply */
	PAR_CMD_TIMER = 4,	/* POSIX timer arg: struct par_timer_reply */
};

/* One request: a command and its argument. */
struct par_req {
	u32 cmd;
	s32 arg;
};

/* The head of every reply, and all of it for FINI or an unknown command. */
struct par_reply {
	s64 ret;	/* 0, or the first failing syscall's -errno */
};

/* The kernel's struct sigaction of the task's ABI. */
struct par_sigaction {
	u64 handler;
	u64 flags;
	u64 restorer;
	u64 mask;
};

/* getitimer's struct itimerval: interval, then value. */
struct par_itimer {
	u64 isec;
	u64 iusec;
	u64 vsec;
	u64 vusec;
};

struct par_task_reply {
	s64 ret;
	struct par_sigaction sigactions[64];	/* signals 1..64 */
	struct par_itimer itimers[3];		/* ITIMER_REAL, VIRTUAL, PROF */
	u64 brk;
	s32 secbits;
	s32 child_subreaper;
	s32 umask;
	s32 dumpable;
	s32 thp_disable;	/* PR_GET_THP_DISABLE: 0, 1, or with flags (6.18+) in the bits above */
	s32 pad;
};

struct par_thread_reply {
	s64 ret;
	u64 clear_tid_addr;
	u64 ss_sp;
	s64 ss_flags;
	u64 ss_size;
	s64 pdeath_sig;
};

/* timer_gettime's struct itimerspec, then timer_getoverrun. */
struct par_timer_reply {
	s64 ret;
	u64 isec;
	u64 insec;
	u64 vsec;
	u64 vnsec;
	s64 overrun;
};

#endif
