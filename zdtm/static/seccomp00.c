/* A seccomp filter stays installed: the filtered syscall keeps failing with the chosen errno. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zdtmlib.h"

#define FILTER_ERRNO 77

/* mincore() fails with FILTER_ERRNO; every other syscall is allowed. */
static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mincore, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | FILTER_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

int main(int argc, char **argv)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	unsigned char vec;
	char mode[16], filters[16];
	void *p;

	test_init(argc, argv);
	p = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || install_filter()) {
		fail_errno("install seccomp filter");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (proc_status_field(0, "Seccomp", mode, sizeof(mode)) || strcmp(mode, "2") ||
	    proc_status_field(0, "Seccomp_filters", filters, sizeof(filters)) || strcmp(filters, "1")) {
		fail("/proc reports seccomp mode %s with %s filters, expected 2 with 1", mode, filters);
		return 1;
	}
	if (syscall(SYS_mincore, p, page, &vec) != -1 || errno != FILTER_ERRNO) {
		fail("mincore is no longer filtered (errno %d)", errno);
		return 1;
	}
	pass();
	return 0;
}
