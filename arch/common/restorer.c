/*
 * The restorer blob: freestanding code that turns a freshly cloned task into the
 * dumped one. It runs from its own region (code, stack, arguments; chosen by the
 * planner to be free in both the old and the new layout), replaces the whole address
 * space with the target's, restores the per-task kernel state the argument block
 * lists, reports success and leaves through rt_sigreturn into the saved registers.
 * Every failure is reported on the report pipe as the step, the errno and the syscall
 * that failed with its arguments; then the task exits.
 */
#include "restorer.h"
#include "restorer-arch.h"

#include <linux/eventpoll.h>
#include <linux/fcntl.h>
#include <linux/futex.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <linux/sched.h>

#define SIG_KILL 9
#define SIG_STOP 19
#define RSEQ_FLAG_UNREGISTER_NONE 0
/* pread moves at most this much per call. */
#define CHUNK (1UL << 30)

/* SYS(nr, args...): a raw syscall with up to six arguments, the missing ones zero. */
#define SYS(...) rst_sys_n(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define rst_sys_n(nr, a, b, c, d, e, f, ...) rst_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/*
 * A syscall that can fail a step, kept as data so that the report can say which call
 * failed and with what: CALL(name, args...) of one to six arguments. The name is held
 * as bytes, not as a pointer, which would need a relocation in a static initializer.
 */
struct call {
	char name[sizeof(((struct rst_report *)0)->syscall)];
	long nr;
	u32 nargs;
	long args[6];
};
#define CALL(name, ...) ((struct call){ #name, __NR_##name, NARGS(__VA_ARGS__), CALL_ARGS(__VA_ARGS__, 0, 0, 0, 0, 0, 0) })
#define NARGS(...) NARGS_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define NARGS_(a, b, c, d, e, f, n, ...) n
#define CALL_ARGS(a, b, c, d, e, f, ...) { (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f) }

static long do_call(const struct call *c)
{
	return rst_syscall6(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
}

static int is_err(long r)
{
	return r < 0 && r > -4096;
}

/* The compiler may emit calls to these for struct copies; the blob has no libc. */
void *memcpy(void *dst, const void *src, unsigned long n)
{
	char *d = dst;
	const char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, unsigned long n)
{
	char *d = dst;
	while (n--)
		*d++ = (char)c;
	return dst;
}

/* c is the syscall that failed, or NULL when the step failed on a check of its own. */
static void report(const struct rst_args *a, u32 step, long err, const struct call *c)
{
	struct rst_report r;
	memset(&r, 0, sizeof(r));
	r.pid = a->pid;
	r.step = step;
	r.err = (s32)-err;
	if (c) {
		r.nargs = c->nargs;
		memcpy(r.syscall, c->name, sizeof(r.syscall));
		for (u32 i = 0; i < 6; i++)
			r.args[i] = (u64)c->args[i];
	}
	SYS(__NR_write, a->report_fd, &r, sizeof(r));
}

static __attribute__((noreturn)) void fail(const struct rst_args *a, u32 step, long err, const struct call *c)
{
	report(a, step, err, c);
	for (;;)
		SYS(__NR_exit_group, 1);
}

/* CRIU_TS_FAULT, passed on by the planner: fail at this step as if the kernel said ECANCELED. */
static void maybe_fault(const struct rst_args *a, u32 step)
{
	if (a->fault_step == step)
		fail(a, step, -125, 0);
}

/* CHECK(a, step, name, args...): the syscall, failing the step on an error. */
#define CHECK(a, step, ...)                                \
	do {                                               \
		struct call __c = CALL(__VA_ARGS__);       \
		long __r = do_call(&__c);                      \
		if (is_err(__r))                           \
			fail((a), (step), __r, &__c);      \
	} while (0)

/* Unmaps [0, task_size) except the keep ranges, which the planner sorted by address. */
static void unmap_all_but_kept(const struct rst_args *a)
{
	const struct rst_range *keep = (const struct rst_range *)a->keep;
	u64 from = 0;
	for (u32 i = 0; i <= a->nr_keep; i++) {
		u64 to = i < a->nr_keep ? keep[i].start : a->task_size;
		if (to > from)
			CHECK(a, RST_STEP_UNMAP, munmap, from, to - from);
		if (i < a->nr_keep)
			from = keep[i].end;
	}
}

static void move_special_mappings(const struct rst_args *a)
{
	const struct rst_move *m = (const struct rst_move *)a->moves;
	for (u32 i = 0; i < a->nr_moves; i++) {
		struct call c = CALL(mremap, m[i].from, m[i].len, m[i].len, MREMAP_MAYMOVE | MREMAP_FIXED, m[i].to);
		long r = do_call(&c);
		if (is_err(r))
			fail(a, RST_STEP_SPECIAL_MOVE, r, &c);
		if ((u64)r != m[i].to)
			fail(a, RST_STEP_SPECIAL_MOVE, -22, &c);
	}
}

static void map_vmas(const struct rst_args *a)
{
	const struct rst_vma *v = (const struct rst_vma *)a->vmas;
	for (u32 i = 0; i < a->nr_vmas; i++) {
		struct call c = CALL(mmap, v[i].start, v[i].end - v[i].start, v[i].map_prot, v[i].flags | MAP_FIXED, v[i].fd,
				     v[i].pgoff);
		long r = do_call(&c);
		if (is_err(r))
			fail(a, RST_STEP_VMA_MAP, r, &c);
		if ((u64)r != v[i].start)
			fail(a, RST_STEP_VMA_MAP, -14, &c);
	}
}

static void fill_pages(const struct rst_args *a)
{
	const struct rst_pages_run *run = (const struct rst_pages_run *)a->runs;
	maybe_fault(a, RST_STEP_PAGES);
	for (u32 i = 0; i < a->nr_runs; i++) {
		u64 done = 0;
		while (done < run[i].len) {
			u64 want = run[i].len - done;
			struct call c = CALL(pread64, run[i].fd, run[i].vaddr + done, want > CHUNK ? CHUNK : want,
					     run[i].off + done);
			long r = do_call(&c);
			if (r < 0)
				fail(a, RST_STEP_PAGES, r, &c);
			if (r == 0)
				fail(a, RST_STEP_PAGES, -61 /* ENODATA: pages image too short */, &c);
			done += (u64)r;
		}
	}
}

static void finish_vmas(const struct rst_args *a)
{
	const struct rst_vma *v = (const struct rst_vma *)a->vmas;
	for (u32 i = 0; i < a->nr_vmas; i++) {
		u64 len = v[i].end - v[i].start;
		if (v[i].map_prot != v[i].prot)
			CHECK(a, RST_STEP_VMA_PROT, mprotect, v[i].start, len, v[i].prot);
		for (u32 advice = 0; advice < 64; advice++)
			if (v[i].madv & (1ULL << advice))
				CHECK(a, RST_STEP_VMA_PROT, madvise, v[i].start, len, advice);
	}
}

/*
 * The kernel adds one tick to the value of a CPU-time itimer when it is set. Read back at
 * once (we have used next to no CPU since), the timer shows that tick, which a second
 * setting takes off: the task finds the time it had left, whatever the kernel's HZ.
 */
static void take_off_cpu_tick(const struct rst_args *a, u32 which, const struct rst_itimer *t)
{
	struct rst_itimer now, fixed = *t;
	CHECK(a, RST_STEP_ITIMER, getitimer, which, &now);
	u64 want = t->value_sec * 1000000 + t->value_usec, got = now.value_sec * 1000000 + now.value_usec;
	if (want == 0 || got <= want)
		return;
	u64 extra = got - want, set = extra < want ? want - extra : 1;
	fixed.value_sec = set / 1000000;
	fixed.value_usec = set % 1000000;
	CHECK(a, RST_STEP_ITIMER, setitimer, which, &fixed, 0);
}

static void restore_signals_and_timers(const struct rst_args *a)
{
	for (u32 sig = 1; sig <= 64; sig++) {
		if (sig == SIG_KILL || sig == SIG_STOP)
			continue;
		CHECK(a, RST_STEP_SIGACTION, rt_sigaction, sig, &a->sigactions[sig - 1], 0, 8);
	}
	for (u32 which = 0; which < 3; which++) {
		const struct rst_itimer *t = &a->itimers[which];
		if (!(t->value_sec | t->value_usec | t->interval_sec | t->interval_usec))
			continue;
		CHECK(a, RST_STEP_ITIMER, setitimer, which, t, 0);
		if (which != 0 /* ITIMER_REAL */)
			take_off_cpu_tick(a, which, t);
	}
}

/* capset(2) version 3: a header and one {effective, permitted, inheritable} per 32 caps. */
struct cap_header {
	u32 version;
	s32 pid;
};
struct cap_data {
	u32 effective;
	u32 permitted;
	u32 inheritable;
};
#define CAP_VERSION_3 0x20080522

/*
 * While we still hold every capability: the bounding set and the securebits; then the
 * ids (keeping capabilities across the change), then the capability sets themselves.
 */
static void restore_creds(const struct rst_args *a, const struct rst_creds *c)
{
	if (c->has_caps) {
		for (u32 cap = 0; cap < 64; cap++)
			if (!(c->cap_bnd[cap / 32] & (1U << (cap % 32)))) {
				struct call c = CALL(prctl, PR_CAPBSET_DROP, cap, 0, 0, 0);
				long r = do_call(&c);
				if (r < 0 && r != -22 /* EINVAL: a capability this kernel lacks */)
					fail(a, RST_STEP_CAPS, r, &c);
			}
		CHECK(a, RST_STEP_CAPS, prctl, PR_SET_SECUREBITS, c->secbits, 0, 0, 0);
	}
	if (c->change) {
		CHECK(a, RST_STEP_CREDS, prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0);
		CHECK(a, RST_STEP_CREDS, setgroups, c->nr_groups, c->groups);
		CHECK(a, RST_STEP_CREDS, setresgid, c->gid, c->egid, c->sgid);
		SYS(__NR_setfsgid, c->fsgid);
		CHECK(a, RST_STEP_CREDS, setresuid, c->uid, c->euid, c->suid);
		SYS(__NR_setfsuid, c->fsuid);
	}
	if (c->has_caps) {
		struct cap_header h = { CAP_VERSION_3, 0 };
		struct cap_data d[2];
		for (int i = 0; i < 2; i++) {
			d[i].effective = c->cap_eff[i];
			d[i].permitted = c->cap_prm[i];
			d[i].inheritable = c->cap_inh[i];
		}
		CHECK(a, RST_STEP_CAPS, capset, &h, d);
		for (u32 cap = 0; cap < 64; cap++)
			if (c->cap_amb[cap / 32] & (1U << (cap % 32)))
				CHECK(a, RST_STEP_CAPS, prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
	}
	if (c->no_new_privs)
		CHECK(a, RST_STEP_CREDS, prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Pending signals go back into the queues they were in, with their siginfo. */
static void queue_signals(const struct rst_args *a, u32 tid, u64 infos, u32 count)
{
	for (u32 i = 0; i < count; i++) {
		const void *info = (const void *)(infos + (u64)i * RST_SIGINFO_SIZE);
		s32 sig = *(const s32 *)info; /* si_signo comes first */
		if (tid)
			CHECK(a, RST_STEP_SIGPENDING, rt_tgsigqueueinfo, a->pid, tid, sig, info);
		else
			CHECK(a, RST_STEP_SIGPENDING, rt_sigqueueinfo, a->pid, sig, info);
	}
}

/* What every thread restores for itself, the main thread included. */
static void restore_thread_state(const struct rst_args *a, const struct rst_thread *t)
{
	SYS(__NR_prctl, PR_SET_NAME, t->comm);
	if (t->rseq)
		CHECK(a, RST_STEP_RSEQ, rseq, t->rseq, t->rseq_size, RSEQ_FLAG_UNREGISTER_NONE, t->rseq_sig);
	SYS(__NR_set_tid_address, t->clear_tid);
	if (t->robust_list)
		CHECK(a, RST_STEP_TID, set_robust_list, t->robust_list, t->robust_list_len);
	/* Slack before the policy: the kernel gives a thread made real-time a slack of its own. */
	if (t->timerslack_ns)
		CHECK(a, RST_STEP_SCHED, prctl, PR_SET_TIMERSLACK, t->timerslack_ns, 0, 0, 0);
	if (t->affinity)
		CHECK(a, RST_STEP_SCHED, sched_setaffinity, 0, t->affinity_words * 8, t->affinity);
	if (t->has_sched) {
		s32 prio = (s32)t->sched_prio;
		CHECK(a, RST_STEP_SCHED, sched_setscheduler, 0, t->sched_policy, &prio);
		CHECK(a, RST_STEP_SCHED, setpriority, 0 /* PRIO_PROCESS: this thread */, 0, t->nice);
	}
	queue_signals(a, t->tid, t->signals, t->nr_signals);
	/* Credentials are per thread for the kernel; last, as they may take privileges away. */
	restore_creds(a, t->creds ? (const struct rst_creds *)t->creds : &a->creds);
	long tls = rst_arch_set_tls(t->tls);
	if (is_err(tls))
		fail(a, RST_STEP_TLS, tls, 0);
}

#define SECCOMP_SET_MODE_FILTER 1

/* Last, as a filter may forbid what restoring needs; it must still allow the way out. */
static void restore_seccomp(const struct rst_args *a, const struct rst_thread *t)
{
	const struct rst_seccomp_filter *f = (const struct rst_seccomp_filter *)t->seccomp;
	for (u32 i = 0; i < t->nr_seccomp; i++) {
		struct {
			unsigned short len;
			u64 filter;
		} prog = { (unsigned short)f[i].len, f[i].prog };
		CHECK(a, RST_STEP_SECCOMP, seccomp, SECCOMP_SET_MODE_FILTER, f[i].flags, &prog);
	}
}

static void thread_main(void *arg)
{
	const struct rst_thread *t = arg;
	struct rst_args *a = (struct rst_args *)t->args;
	restore_thread_state(a, t);
	restore_seccomp(a, t);
	u64 finish = a->finish_area + (u64)(rst_thread_finish - rst_finish);
	((void (*)(u64, u64))finish)((u64)&a->threads_pending, t->frame_sp);
}

/* Threads other than main, each with its own TID, on its own stack in the region. */
static void create_threads(struct rst_args *a)
{
	struct rst_thread *t = (struct rst_thread *)a->threads;
	a->threads_pending = a->nr_threads - 1;
	for (u32 i = 1; i < a->nr_threads; i++) {
		s32 tid = (s32)t[i].tid; /* set_tid is an array of pid_t: 32 bits, whatever the byte order */
		struct clone_args ca;
		memset(&ca, 0, sizeof(ca));
		ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
		ca.stack = t[i].stack_top - RST_THREAD_STACK;
		ca.stack_size = RST_THREAD_STACK;
		ca.set_tid = (u64)&tid;
		ca.set_tid_size = 1;
		long r = rst_clone_thread(&ca, sizeof(ca), thread_main, &t[i]);
		if (r < 0) {
			struct call c = CALL(clone3, &ca, sizeof(ca));
			fail(a, RST_STEP_THREAD, r, &c);
		}
	}
}

#define PR_TIMER_CREATE_RESTORE_IDS 77
#define SIGEVENT_SIZE 64

/*
 * Kernels before PR_TIMER_CREATE_RESTORE_IDS (6.15) number a process's timers 0, 1, 2, ... in
 * creation order, so the wanted id is reached by creating and deleting timers up to it; the
 * timers come sorted by id.
 */
static s32 create_timer_in_order(const struct rst_args *a, const struct rst_posix_timer *t, void *sev)
{
	for (;;) {
		s32 id;
		CHECK(a, RST_STEP_POSIX_TIMER, timer_create, t->clock_id, sev, &id);
		if ((u32)id >= t->id)
			return id;
		CHECK(a, RST_STEP_POSIX_TIMER, timer_delete, id);
	}
}

/* Each timer under its old id, which timer_create takes from *id while the prctl is on. */
static void restore_posix_timers(const struct rst_args *a)
{
	const struct rst_posix_timer *t = (const struct rst_posix_timer *)a->posix_timers;
	if (!a->nr_posix_timers)
		return;
	struct call c = CALL(prctl, PR_TIMER_CREATE_RESTORE_IDS, 1, 0, 0, 0);
	long r = do_call(&c);
	int by_id = r == 0;
	if (r < 0 && r != -22 /* EINVAL: an older kernel */)
		fail(a, RST_STEP_POSIX_TIMER, r, &c);
	for (u32 i = 0; i < a->nr_posix_timers; i++) {
		u8 sev[SIGEVENT_SIZE];
		memset(sev, 0, sizeof(sev));
		*(u64 *)(sev + 0) = t[i].sival;      /* sigev_value */
		*(s32 *)(sev + 8) = (s32)t[i].signo; /* sigev_signo */
		*(s32 *)(sev + 12) = (s32)t[i].notify;
		*(s32 *)(sev + 16) = t[i].notify_tid; /* sigev_notify_thread_id */
		s32 id = (s32)t[i].id;
		if (by_id)
			CHECK(a, RST_STEP_POSIX_TIMER, timer_create, t[i].clock_id, sev, &id);
		else
			id = create_timer_in_order(a, &t[i], sev);
		if ((u32)id != t[i].id)
			fail(a, RST_STEP_POSIX_TIMER, -17 /* EEXIST: the kernel chose another id */, 0);
		u64 spec[4] = { t[i].interval_sec, t[i].interval_nsec, t[i].value_sec, t[i].value_nsec };
		CHECK(a, RST_STEP_POSIX_TIMER, timer_settime, id, 0, spec, 0);
	}
	if (by_id)
		CHECK(a, RST_STEP_POSIX_TIMER, prctl, PR_TIMER_CREATE_RESTORE_IDS, 0, 0, 0, 0);
}

static void take_posix_locks(const struct rst_args *a)
{
	const struct rst_posix_lock *l = (const struct rst_posix_lock *)a->posix_locks;
	for (u32 i = 0; i < a->nr_posix_locks; i++) {
		struct flock f;
		memset(&f, 0, sizeof(f));
		f.l_type = (short)l[i].type;
		f.l_whence = 0; /* SEEK_SET */
		f.l_start = (long long)l[i].start;
		f.l_len = (long long)l[i].len;
		CHECK(a, RST_STEP_FILE_LOCK, fcntl, l[i].fd, F_SETLK, &f);
	}
}

/*
 * Owners are set with the caller's ids: those set as root before the task takes its own.
 * O_ASYNC was on since the file was opened, under another fd number; off and on again, the
 * kernel records this one, which it reports as si_fd.
 */
static void set_owners(const struct rst_args *a, u32 early)
{
	const struct rst_fown *o = (const struct rst_fown *)a->fowns;
	for (u32 i = 0; i < a->nr_fowns; i++) {
		if (o[i].early != early)
			continue;
		if (o[i].pid) {
			struct f_owner_ex ex = { .type = (int)o[i].type, .pid = o[i].pid };
			CHECK(a, RST_STEP_FOWN, fcntl, o[i].fd, F_SETOWN_EX, &ex);
		}
		if (o[i].signum)
			CHECK(a, RST_STEP_FOWN, fcntl, o[i].fd, F_SETSIG, o[i].signum);
		if (o[i].async) {
			struct call c = CALL(fcntl, o[i].fd, F_GETFL, 0);
			long fl = do_call(&c);
			if (is_err(fl))
				fail(a, RST_STEP_FOWN, fl, &c);
			CHECK(a, RST_STEP_FOWN, fcntl, o[i].fd, F_SETFL, fl & ~FASYNC);
			CHECK(a, RST_STEP_FOWN, fcntl, o[i].fd, F_SETFL, fl | FASYNC);
		}
	}
}

/*
 * Some per-thread registers only a tracer can write (arm64's pointer-authentication keys).
 * criu-ts seizes us here, writes them, raises tracer_done and lets us go; the futex wait
 * it interrupts is restarted and sees the new value. Before create_threads, as clone
 * copies them to the threads. The blob itself is built without return-address signing,
 * so its own returns survive the change of keys.
 */
static void wait_for_tracer(struct rst_args *a)
{
	if (!a->tracer_wait)
		return;
	report(a, RST_WAIT_TRACER, 0, 0);
	while (!__atomic_load_n(&a->tracer_done, __ATOMIC_ACQUIRE)) {
		struct call c = CALL(futex, &a->tracer_done, FUTEX_WAIT, 0, 0);
		long r = do_call(&c);
		if (r < 0 && r != -11 /* EAGAIN: already raised */ && r != -4 /* EINTR */)
			fail(a, RST_STEP_TRACER, r, &c);
	}
}

/*
 * Pidfds of the tree's tasks can only be opened once those exist: criu-ts opens them when
 * every task waits here (each after creating its threads, which may be their targets).
 * Copies of its own open files keep one open file shared by all the fds that shared it.
 */
static void take_late_fds(const struct rst_args *a)
{
	const struct rst_late_fd *l = (const struct rst_late_fd *)a->late_fds;
	char go;
	if (!a->late_wait)
		return;
	report(a, RST_WAIT_LATE_FDS, 0, 0);
	struct call c = CALL(read, a->late_gate, &go, 1);
	long r = do_call(&c);
	if (r != 1)
		fail(a, RST_STEP_LATE_FDS, r < 0 ? r : -32 /* EPIPE: criu-ts went away */, &c);
	for (u32 i = 0; i < a->nr_late_fds; i++) {
		c = CALL(pidfd_getfd, a->late_from, l[i].source, 0);
		long fd = do_call(&c);
		if (is_err(fd))
			fail(a, RST_STEP_LATE_FDS, fd, &c);
		CHECK(a, RST_STEP_LATE_FDS, dup3, fd, l[i].fd, l[i].cloexec ? O_CLOEXEC : 0);
		SYS(__NR_close, fd);
	}
}

static void add_epoll_items(const struct rst_args *a)
{
	const struct rst_epoll_item *it = (const struct rst_epoll_item *)a->epoll_items;
	for (u32 i = 0; i < a->nr_epoll_items; i++) {
		struct epoll_event ev = { .events = it[i].events, .data = it[i].data };
		CHECK(a, RST_STEP_EPOLL, epoll_ctl, it[i].epfd, EPOLL_CTL_ADD, it[i].fd, &ev);
	}
}

/*
 * Late: a low address-space or data limit would fail the mappings above, and a low thread
 * or signal limit the threads and queued signals (all of which the task had under them).
 * Before the seccomp filters, which may forbid prlimit64.
 */
static void set_rlimits(const struct rst_args *a)
{
	const struct rst_rlimit *l = (const struct rst_rlimit *)a->rlimits;
	for (u32 i = 0; i < a->nr_rlimits; i++)
		CHECK(a, RST_STEP_RLIMITS, prlimit64, 0, l[i].resource, &l[i].cur, 0);
}

static void wait_for_threads(const struct rst_args *a)
{
	while (__atomic_load_n(&a->threads_pending, __ATOMIC_ACQUIRE))
		SYS(__NR_sched_yield);
}

static void close_service_fds(const struct rst_args *a)
{
	const s32 *fds = (const s32 *)a->close_fds;
	for (u32 i = 0; i < a->nr_close_fds; i++)
		SYS(__NR_close, fds[i]);
}

__attribute__((noreturn, used)) void rst_main(struct rst_args *a)
{
	if (a->magic != RST_MAGIC)
		fail(a, RST_STEP_BLOB_MAP, -22, 0);

	unmap_all_but_kept(a);
	/*
	 * The exe link changes only while no mapping of the old exe is left (EBUSY otherwise):
	 * between the unmapping of ours and the mapping of the target's, which may map the very
	 * file we run from (a restored node program, when criu-ts runs on the same node).
	 */
	CHECK(a, RST_STEP_MM, prctl, PR_SET_MM, PR_SET_MM_MAP, &a->mm, sizeof(a->mm), 0);
	move_special_mappings(a);
	map_vmas(a);
	fill_pages(a);
	finish_vmas(a);

	restore_signals_and_timers(a);
	CHECK(a, RST_STEP_PERSONALITY, personality, a->personality);
	if (a->child_subreaper)
		CHECK(a, RST_STEP_PARENT_DEATH, prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (a->thp_disabled)
		CHECK(a, RST_STEP_MM, prctl, PR_SET_THP_DISABLE, 1, 0, 0, 0);

	/* The finish area keeps the trampolines and the frames; it must not be writable in the end. */
	memcpy((void *)a->finish_area, rst_finish, (unsigned long)(rst_finish_end - rst_finish));
	CHECK(a, RST_STEP_FINISH, mprotect, a->finish_area, a->finish_len, PROT_READ | PROT_EXEC);

	const struct rst_thread *main_thread = (const struct rst_thread *)a->threads;
	wait_for_tracer(a);
	create_threads(a);
	take_late_fds(a);
	add_epoll_items(a); /* after the late files, which may be targets */
	restore_posix_timers(a); /* after the threads: a timer may signal one of them */
	take_posix_locks(a);
	set_owners(a, 1);
	restore_thread_state(a, main_thread);
	set_owners(a, 0);
	/* A credential change resets both, so they come after it. */
	CHECK(a, RST_STEP_PARENT_DEATH, prctl, PR_SET_PDEATHSIG, a->pdeath_sig, 0, 0, 0);
	CHECK(a, RST_STEP_CREDS, prctl, PR_SET_DUMPABLE, a->dumpable, 0, 0, 0);
	close_service_fds(a);
	wait_for_threads(a);
	queue_signals(a, 0, a->signals, a->nr_signals);
	set_rlimits(a);
	maybe_fault(a, RST_STEP_FINISH);
	restore_seccomp(a, main_thread);
	report(a, 0, 0, 0);
	SYS(__NR_close, a->report_fd);

	u64 unmap_start = a->region_start, unmap_len = a->finish_area - a->region_start, frame = main_thread->frame_sp;
	((void (*)(u64, u64, u64, u64, u64))a->finish_area)(unmap_start, unmap_len, frame, a->stop_signal, a->pid);
	for (;;)
		SYS(__NR_exit_group, 1);
}
