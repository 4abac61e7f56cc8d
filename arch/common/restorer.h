/*
 * The argument block of the restorer blob: the one place its layout is declared.
 * src/blob/struct-layout.ts parses the structs and RST_ constants below at run time
 * and writes the block from TypeScript, so keep to what that parser reads: the types of
 * contract-types.h, one field per line, arrays of constant length, nested `struct rst_*`
 * fields, and `#define RST_NAME number`. Pointers are absolute u64 addresses in the
 * restored task (the planner knows where the block will live).
 */
#ifndef CRIU_TS_RESTORER_H
#define CRIU_TS_RESTORER_H

#ifndef __ASSEMBLER__

#include "include/contract-types.h"	/* by path: the addon includes this header too */

#define RST_MAGIC 0x5453524155495243
/* Stack of each thread but main while it restores itself. */
#define RST_THREAD_STACK 16384
/* A pending signal is queued back from its saved siginfo_t of this size. */
#define RST_SIGINFO_SIZE 128

/* Steps that can fail; the failing one is reported to the parent with its errno. */
#define RST_STEP_CLONE 1
#define RST_STEP_SESSION 2
#define RST_STEP_RLIMITS 3
#define RST_STEP_FDS 4
#define RST_STEP_FS 5
#define RST_STEP_RSEQ_DROP 6
#define RST_STEP_BLOB_MAP 7
#define RST_STEP_UNMAP 8
#define RST_STEP_SPECIAL_MOVE 9
#define RST_STEP_VMA_MAP 10
#define RST_STEP_PAGES 11
#define RST_STEP_VMA_PROT 12
#define RST_STEP_MM 13
#define RST_STEP_SIGACTION 14
#define RST_STEP_ITIMER 15
#define RST_STEP_RSEQ 16
#define RST_STEP_TID 17
#define RST_STEP_CREDS 18
#define RST_STEP_TLS 19
#define RST_STEP_FINISH 20
#define RST_STEP_PARENT_DEATH 21
#define RST_STEP_THREAD 22
#define RST_STEP_SCHED 23
#define RST_STEP_CAPS 24
#define RST_STEP_SIGPENDING 25
#define RST_STEP_PERSONALITY 26
#define RST_STEP_POSIX_TIMER 27
#define RST_STEP_FILE_LOCK 28
#define RST_STEP_SECCOMP 29
#define RST_STEP_TRACER 30
#define RST_STEP_TTY 31
#define RST_STEP_OOM_SCORE 32
#define RST_STEP_FOWN 33
#define RST_STEP_NAMESPACES 34
#define RST_STEP_LATE_FDS 35
#define RST_STEP_EPOLL 36

/*
 * Not a failure: the task waits for criu-ts to write registers only a tracer can set
 * (rst_args.tracer_wait), then to raise tracer_done. It reports again when restored.
 */
#define RST_WAIT_TRACER 100
/*
 * Not a failure either: the task's threads exist and it waits for criu-ts to open the files
 * that need the whole tree to exist (pidfds of its tasks), then takes them (rst_late_fd).
 */
#define RST_WAIT_LATE_FDS 101

/*
 * What a task writes to the report pipe: step 0 means "restored, about to run". A failed
 * step names the syscall that failed (NUL-terminated) and its first nargs arguments;
 * nargs is 0 when the step failed on a check of its own.
 */
struct rst_report {
	u32 pid;
	u32 step;
	s32 err;
	u32 nargs;
	u8 syscall[24];
	u64 args[6];
};

/* A target VMA; mapped with map_prot, filled, then set to prot. fd is a service fd or -1. */
struct rst_vma {
	u64 start;
	u64 end;
	u64 pgoff;
	u64 madv;
	u32 map_prot;
	u32 prot;
	u32 flags;
	s32 fd;
};

/* Bytes [off, off+len) of a pages image (fd: this dump's or a parent dump's) go to vaddr. */
struct rst_pages_run {
	u64 vaddr;
	u64 len;
	u64 off;
	s32 fd;
	u32 pad;
};

/* A kernel special mapping (vdso, vvar) moved with mremap, in list order. */
struct rst_move {
	u64 from;
	u64 len;
	u64 to;
};

/* An address range the unmapping step must leave alone. */
struct rst_range {
	u64 start;
	u64 end;
};

/* The kernel's struct sigaction of the task's ABI. */
struct rst_sigaction {
	u64 handler;
	u64 flags;
	u64 restorer;
	u64 mask;
};

struct rst_itimer {
	u64 interval_sec;
	u64 interval_usec;
	u64 value_sec;
	u64 value_usec;
};

/* The kernel's struct prctl_mm_map, set with PR_SET_MM_MAP. */
struct rst_mm_map {
	u64 start_code;
	u64 end_code;
	u64 start_data;
	u64 end_data;
	u64 start_brk;
	u64 brk;
	u64 start_stack;
	u64 arg_start;
	u64 arg_end;
	u64 env_start;
	u64 env_end;
	u64 auxv;
	u32 auxv_size;
	s32 exe_fd;
};

/* A POSIX timer, recreated under its old id (PR_TIMER_CREATE_RESTORE_IDS). */
struct rst_posix_timer {
	u32 id;
	u32 clock_id;
	u32 signo;
	u32 notify;
	u64 sival;
	s32 notify_tid;
	u32 pad;
	u64 interval_sec;
	u64 interval_nsec;
	u64 value_sec;
	u64 value_nsec;
};

/* A POSIX record lock, which belongs to the process and so is taken by the task itself. */
struct rst_posix_lock {
	s32 fd;
	u32 type;
	u64 start;
	u64 len;
};

/*
 * Signal-driven I/O of an open file, which the task sets up itself: the owner (F_SETOWN_EX,
 * none when pid is 0), its signal (F_SETSIG), and O_ASYNC turned on through this fd number.
 */
struct rst_fown {
	s32 fd;
	u32 type;
	s32 pid;
	u32 signum;
	/* Set before the task takes its credentials (they were root's), else after. */
	u32 early;
	u32 async;
};

/*
 * A file opened only once every task exists: criu-ts holds it at number `source` of its own
 * table, and the task takes that very open file with pidfd_getfd and puts it at `fd`.
 */
struct rst_late_fd {
	s32 fd;
	s32 source;
	u32 cloexec;
	u32 pad;
};

/* A resource limit (prlimit64 on the task), set once its memory and threads are back. */
struct rst_rlimit {
	u32 resource;
	u32 pad;
	u64 cur;
	u64 max;
};

/* An epoll item the task adds itself (a signalfd's wakeups go to whoever adds it). */
struct rst_epoll_item {
	s32 epfd;
	s32 fd;
	u32 events;
	u32 pad;
	u64 data;
};

struct rst_creds {
	u32 uid;
	u32 euid;
	u32 suid;
	u32 fsuid;
	u32 gid;
	u32 egid;
	u32 sgid;
	u32 fsgid;
	u32 change;
	u32 nr_groups;
	u64 groups;
	/* Capability sets as capset(2) version 3 words, applied when has_caps. */
	u32 has_caps;
	u32 secbits;
	u32 cap_inh[2];
	u32 cap_prm[2];
	u32 cap_eff[2];
	u32 cap_bnd[2];
	u32 cap_amb[2];
	u32 no_new_privs;
	u32 pad;
};

/* One seccomp filter program (struct sock_filter[len]), installed oldest first. */
struct rst_seccomp_filter {
	u64 prog;
	u32 len;
	u32 flags;
};

/*
 * What each thread restores for itself; threads[0] is the main thread (whose stack_top is
 * unused: it runs on the blob's stack). frame_sp points into the finish area.
 */
struct rst_thread {
	u32 tid;
	u32 rseq_size;
	u64 stack_top;
	u64 frame_sp;
	/* Thread-pointer registers the sigframe does not carry (x86_64: fs_base, gs_base). */
	u64 tls[2];
	u64 rseq;
	u32 rseq_sig;
	u32 pad;
	u64 clear_tid;
	u64 robust_list;
	u64 robust_list_len;
	u8 comm[16];
	u64 args;
	/* setpriority / sched_setscheduler of the thread, when has_sched. */
	u32 has_sched;
	s32 nice;
	u32 sched_policy;
	u32 sched_prio;
	/* Signals pending for this thread only: nr_signals siginfo_t of RST_SIGINFO_SIZE. */
	u64 signals;
	u32 nr_signals;
	/* Its seccomp filters, oldest first: the very last thing it sets up. */
	u32 nr_seccomp;
	u64 seccomp;
	/* Its own credentials (struct rst_creds) where they differ from the task's; 0: rst_args.creds. */
	u64 creds;
	/* PR_SET_TIMERSLACK value; 0 leaves the inherited one. */
	u64 timerslack_ns;
	/* sched_setaffinity mask of affinity_words u64 words; 0 leaves the inherited one. */
	u64 affinity;
	u32 affinity_words;
	u32 pad2;
};

struct rst_args {
	u64 magic;
	u32 size;
	u32 pid;
	s32 report_fd;
	/* Unmapping keeps these ranges and clears [0, task_size) around them. */
	u64 task_size;
	u64 keep;
	u32 nr_keep;
	u32 nr_moves;
	u64 moves;
	u64 vmas;
	u32 nr_vmas;
	u32 nr_runs;
	u64 runs;
	struct rst_mm_map mm;
	u32 pad0;
	u32 nr_close_fds;
	u64 close_fds;
	struct rst_sigaction sigactions[64];
	struct rst_itimer itimers[3];
	u64 threads;
	u32 nr_threads;
	/* Threads created but not yet at their sigreturn; the last region user is main. */
	u32 threads_pending;
	u32 pdeath_sig;
	u32 dumpable;
	u32 personality;
	u32 child_subreaper;
	/* A stopped task stops with this signal just before it resumes (0: it was running). */
	u32 stop_signal;
	/* prctl(PR_SET_THP_DISABLE) of the mm. */
	u32 thp_disabled;
	/* Signals pending for the whole process (siginfo_t each). */
	u64 signals;
	u32 nr_signals;
	u32 nr_posix_timers;
	u64 posix_timers;
	u64 posix_locks;
	u32 nr_posix_locks;
	u32 nr_fowns;
	u64 fowns;
	struct rst_creds creds;
	/* The tail page(s) of the region: finish trampolines, then the prepared rt_sigframes. */
	u64 finish_area;
	u64 finish_len;
	/* Everything of the region below finish_area is unmapped on the way out. */
	u64 region_start;
	/* Fault injection for tests: the step of this number fails with ECANCELED. */
	u32 fault_step;
	/* Wait for the tracer (RST_WAIT_TRACER) before creating the threads; it sets tracer_done. */
	u32 tracer_wait;
	u32 tracer_done;
	u32 pad4;
	/*
	 * With late_wait, the task waits for a byte on late_gate, then takes its late files from
	 * criu-ts (a pidfd of it at late_from). A task sharing the fd table of one that has such
	 * files waits too, taking none: it must not run before they are in place.
	 */
	u64 late_fds;
	u32 nr_late_fds;
	s32 late_from;
	s32 late_gate;
	u32 late_wait;
	u64 epoll_items;
	u32 nr_epoll_items;
	u32 nr_rlimits;
	u64 rlimits;
};

#endif /* __ASSEMBLER__ */
#endif /* CRIU_TS_RESTORER_H */
