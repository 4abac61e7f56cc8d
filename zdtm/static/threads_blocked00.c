/* Threads blocked in read() on a pipe, recv() on a unix socket, waitpid(), select() and pause() stay
 * blocked across the dump (no early return, no EINTR) and each completes with the right result. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

enum { T_READ, T_RECV, T_WAITPID, T_SELECT, T_PAUSE, NR_THREADS };
static const char *const names[NR_THREADS] = { "read", "recv", "waitpid", "select", "pause" };

struct worker {
	pthread_t thread;
	int index;
	volatile pid_t tid;
	volatile uint32_t ready;
	volatile int returned;	/* set as soon as the blocking call returns */
	int result;		/* 0 ok, else what went wrong */
};

static struct worker w[NR_THREADS];
static int read_pipe[2], select_pipe[2], child_pipe[2], sk[2];
static pid_t child;
static volatile sig_atomic_t got_usr2;

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2++;
}

static void *work(void *arg)
{
	struct worker *me = arg;
	sigset_t set;
	fd_set rd;
	char c = 0;
	int status, r;

	me->tid = syscall(SYS_gettid);
	flag_set(&me->ready, 1);
	switch (me->index) {
	case T_READ:
		r = read(read_pipe[0], &c, 1);
		me->returned = 1;
		me->result = r != 1 ? 1 : c != 'r' ? 2 : 0;
		break;
	case T_RECV: {
		char buf[16];

		r = recv(sk[0], buf, sizeof(buf), 0);
		me->returned = 1;
		me->result = r != 5 ? 1 : memcmp(buf, "dgram", 5) ? 2 : 0;
		break;
	}
	case T_WAITPID:
		r = waitpid(child, &status, 0);
		me->returned = 1;
		me->result = r != child ? 1 : !WIFEXITED(status) || WEXITSTATUS(status) != 12 ? 2 : 0;
		break;
	case T_SELECT:
		FD_ZERO(&rd);
		FD_SET(select_pipe[0], &rd);
		r = select(select_pipe[0] + 1, &rd, NULL, NULL, NULL);
		me->returned = 1;
		me->result = r != 1 || !FD_ISSET(select_pipe[0], &rd) ? 1 : 0;
		break;
	case T_PAUSE:
		/* Only this thread takes SIGUSR2. */
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		r = pause();
		me->returned = 1;
		me->result = r != -1 || errno != EINTR ? 1 : got_usr2 != 1 ? 2 : 0;
		break;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr2 };
	sigset_t block;
	int i;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	if (pipe(read_pipe) || pipe(select_pipe) || pipe(child_pipe) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, sk) || sigaction(SIGUSR2, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, &block, NULL)) {
		fail_errno("setup");
		return 1;
	}
	child = fork();
	if (child == 0) {
		char c;

		close(child_pipe[1]);
		_exit(read(child_pipe[0], &c, 1) == 1 ? 12 : 13);
	}
	close(child_pipe[0]);
	for (i = 0; i < NR_THREADS; i++) {
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
			fail("pthread_create");
			return 1;
		}
		flag_wait(&w[i].ready, 1);
	}
	/* Every thread is asleep in its call before the dump may start. */
	for (i = 0; i < NR_THREADS; i++)
		while (proc_state(w[i].tid) != 'S')
			usleep(1000);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_THREADS; i++)
		if (w[i].returned || proc_state(w[i].tid) != 'S') {
			fail("the %s thread %s", names[i], w[i].returned ? "returned before it was woken" : "is not asleep");
			goto out;
		}
	if (write(read_pipe[1], "r", 1) != 1 || write(select_pipe[1], "s", 1) != 1 ||
	    write(child_pipe[1], "c", 1) != 1 ||
	    send(sk[1], "dgram", 5, 0) != 5 ||
	    syscall(SYS_tgkill, getpid(), w[T_PAUSE].tid, SIGUSR2)) {
		fail_errno("waking the threads");
		goto out;
	}
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].result) {
			fail("the %s thread got a wrong result (%d)", names[i], w[i].result);
			return 1;
		}
	}
	pass();
	return 0;
out:
	kill(child, SIGKILL);
	return 1;
}
