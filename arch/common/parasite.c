/*
 * The parasite: runs inside a stopped thread of the dump target, connects to the dumper's
 * socket and answers its questions with syscalls only the task itself can make. If the
 * channel breaks (the dumper died), it rt_sigreturns through the frame the dumper wrote,
 * so the task resumes exactly where it was stopped.
 */
#include "parasite-proto.h"
#include "blob-syscall.h"

#define AF_UNIX 1
#define SOCK_SEQPACKET 5
#define MSG_NOSIGNAL 0x4000
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_GET_SECUREBITS 27
#define PR_GET_CHILD_SUBREAPER 37
#define PR_GET_TID_ADDRESS 40
#define PR_GET_THP_DISABLE 42

void par_sigreturn(u64 frame_sp) __attribute__((noreturn));
long par_main(struct par_args *args);

static long sys(long nr, long a1, long a2, long a3, long a4)
{
	return blob_syscall6(nr, a1, a2, a3, a4, 0, 0);
}

static void zero(void *p, unsigned long n)
{
	volatile char *c = p;
	while (n--)
		*c++ = 0;
}

/* Keeps the first error of a reply. */
static void note(s64 *ret, long r)
{
	if (r < 0 && r > -4096 && *ret == 0)
		*ret = r;
}

static void task_state(struct par_task_reply *r)
{
	for (int sig = 1; sig <= 64; sig++)
		note(&r->ret, sys(__NR_rt_sigaction, sig, 0, (long)&r->sigactions[sig - 1], 8));
	for (int which = 0; which < 3; which++)
		note(&r->ret, sys(__NR_getitimer, which, (long)&r->itimers[which], 0, 0));
	r->brk = sys(__NR_brk, 0, 0, 0, 0);
	long v = sys(__NR_prctl, PR_GET_SECUREBITS, 0, 0, 0);
	note(&r->ret, v);
	r->secbits = v;
	note(&r->ret, sys(__NR_prctl, PR_GET_CHILD_SUBREAPER, (long)&r->child_subreaper, 0, 0));
	v = sys(__NR_prctl, PR_GET_DUMPABLE, 0, 0, 0);
	note(&r->ret, v);
	r->dumpable = v;
	v = sys(__NR_prctl, PR_GET_THP_DISABLE, 0, 0, 0);
	note(&r->ret, v);
	r->thp_disable = v;
	/* umask can only be read by setting it: put the old value straight back. */
	r->umask = sys(__NR_umask, 0, 0, 0, 0);
	sys(__NR_umask, r->umask, 0, 0, 0);
}

static void thread_state(struct par_thread_reply *r)
{
	struct { u64 sp; s32 flags; s32 pad; u64 size; } ss;
	int pdeath = 0;
	note(&r->ret, sys(__NR_prctl, PR_GET_TID_ADDRESS, (long)&r->clear_tid_addr, 0, 0));
	note(&r->ret, sys(__NR_sigaltstack, 0, (long)&ss, 0, 0));
	note(&r->ret, sys(__NR_prctl, PR_GET_PDEATHSIG, (long)&pdeath, 0, 0));
	r->ss_sp = ss.sp;
	r->ss_flags = ss.flags;
	r->ss_size = ss.size;
	r->pdeath_sig = pdeath;
}

static void timer_state(int id, struct par_timer_reply *r)
{
	note(&r->ret, sys(__NR_timer_gettime, id, (long)&r->isec, 0, 0));
	long overrun = sys(__NR_timer_getoverrun, id, 0, 0, 0);
	note(&r->ret, overrun);
	r->overrun = overrun;
}

long par_main(struct par_args *args)
{
	union {
		struct par_reply head;
		struct par_task_reply task;
		struct par_thread_reply thread;
		struct par_timer_reply timer;
	} reply;
	struct par_req req;
	long sk = sys(__NR_socket, AF_UNIX, SOCK_SEQPACKET, 0, 0);
	if (sk < 0)
		return sk;
	long r = sys(__NR_connect, sk, (long)args->addr, args->addr_len, 0);
	if (r < 0)
		return r;
	for (;;) {
		r = sys(__NR_recvfrom, sk, (long)&req, sizeof(req), 0);
		if (r != sizeof(req))
			par_sigreturn(args->frame_sp); /* the dumper is gone */
		unsigned long size;
		zero(&reply, sizeof(reply));
		switch (req.cmd) {
		case PAR_CMD_TASK:
			task_state(&reply.task);
			size = sizeof(reply.task);
			break;
		case PAR_CMD_THREAD:
			thread_state(&reply.thread);
			size = sizeof(reply.thread);
			break;
		case PAR_CMD_TIMER:
			timer_state(req.arg, &reply.timer);
			size = sizeof(reply.timer);
			break;
		case PAR_CMD_FINI:
			reply.head.ret = 0;
			size = sizeof(reply.head);
			break;
		default:
			reply.head.ret = -22; /* EINVAL */
			size = sizeof(reply.head);
		}
		if (blob_syscall6(__NR_sendto, sk, (long)&reply, size, MSG_NOSIGNAL, 0, 0) != (long)size)
			par_sigreturn(args->frame_sp);
		if (req.cmd == PAR_CMD_FINI) {
			sys(__NR_close, sk, 0, 0, 0);
			return 0;
		}
	}
}
