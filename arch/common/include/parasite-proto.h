/*
 * The parasite's contract with the dumper (src/dump/parasite.ts mirrors these layouts).
 * Every field is a fixed-size integer at a naturally aligned offset, so the TypeScript
 * side reads replies with plain offsets.
 */
#ifndef CRIU_TS_PARASITE_PROTO_H
#define CRIU_TS_PARASITE_PROTO_H

#include <stdint.h>

/* Written by the dumper into the parasite area before the parasite starts. */
struct par_args {
	uint64_t frame_sp;	/* rt_sigreturn stack pointer: resumes the task as it was */
	uint32_t addr_len;	/* bytes of addr used (sun_family + abstract name) */
	uint32_t pad;
	uint8_t addr[112];	/* struct sockaddr_un of the dumper's listening socket */
};

enum par_cmd {
	PAR_CMD_FINI = 1,	/* reply, then return: the entry traps to the dumper */
	PAR_CMD_TASK = 2,	/* process-wide state: struct par_task_reply */
	PAR_CMD_THREAD = 3,	/* state of the thread running the parasite: struct par_thread_reply */
	PAR_CMD_TIMER = 4,	/* POSIX timer arg: struct par_timer_reply */
};

struct par_req {
	uint32_t cmd;
	int32_t arg;
};

struct par_sigaction {
	uint64_t handler, flags, restorer, mask;
};

struct par_itimer {
	uint64_t isec, iusec, vsec, vusec;
};

struct par_task_reply {
	int64_t ret;				/* 0, or the first failing syscall's -errno */
	struct par_sigaction sigactions[64];	/* signals 1..64 */
	struct par_itimer itimers[3];		/* ITIMER_REAL, VIRTUAL, PROF */
	uint64_t brk;
	int32_t secbits;
	int32_t child_subreaper;
	int32_t umask;
	int32_t dumpable;
};

struct par_thread_reply {
	int64_t ret;
	uint64_t clear_tid_addr;
	uint64_t ss_sp;
	int64_t ss_flags;
	uint64_t ss_size;
	int64_t pdeath_sig;
};

struct par_timer_reply {
	int64_t ret;
	uint64_t isec, insec, vsec, vnsec;
	int64_t overrun;
};

#endif
