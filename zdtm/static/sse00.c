/* All sixteen SSE registers keep their values while the task sleeps through the dump. */
#include <sys/syscall.h>

#include "zdtmlib.h"

#define NR_XMM 16

/*
 * Loads xmm0-15 from `in`, sleeps in rt_sigsuspend(mask) until *stop is set (SIGTERM handler),
 * then stores xmm0-15 to `out`. No compiled code runs while the values sit in the registers.
 */
static void hold_xmm(const unsigned char in[NR_XMM][16], unsigned char out[NR_XMM][16],
		     const sigset_t *mask, volatile sig_atomic_t *stop)
{
	asm volatile("movdqu 0x00(%[in]), %%xmm0\n\t"
		     "movdqu 0x10(%[in]), %%xmm1\n\t"
		     "movdqu 0x20(%[in]), %%xmm2\n\t"
		     "movdqu 0x30(%[in]), %%xmm3\n\t"
		     "movdqu 0x40(%[in]), %%xmm4\n\t"
		     "movdqu 0x50(%[in]), %%xmm5\n\t"
		     "movdqu 0x60(%[in]), %%xmm6\n\t"
		     "movdqu 0x70(%[in]), %%xmm7\n\t"
		     "movdqu 0x80(%[in]), %%xmm8\n\t"
		     "movdqu 0x90(%[in]), %%xmm9\n\t"
		     "movdqu 0xa0(%[in]), %%xmm10\n\t"
		     "movdqu 0xb0(%[in]), %%xmm11\n\t"
		     "movdqu 0xc0(%[in]), %%xmm12\n\t"
		     "movdqu 0xd0(%[in]), %%xmm13\n\t"
		     "movdqu 0xe0(%[in]), %%xmm14\n\t"
		     "movdqu 0xf0(%[in]), %%xmm15\n\t"
		     "1:\n\t"
		     "mov %[nr], %%eax\n\t"
		     "mov %[mask], %%rdi\n\t"
		     "mov $8, %%esi\n\t"
		     "syscall\n\t"
		     "cmpl $0, (%[stop])\n\t"
		     "je 1b\n\t"
		     "movdqu %%xmm0, 0x00(%[out])\n\t"
		     "movdqu %%xmm1, 0x10(%[out])\n\t"
		     "movdqu %%xmm2, 0x20(%[out])\n\t"
		     "movdqu %%xmm3, 0x30(%[out])\n\t"
		     "movdqu %%xmm4, 0x40(%[out])\n\t"
		     "movdqu %%xmm5, 0x50(%[out])\n\t"
		     "movdqu %%xmm6, 0x60(%[out])\n\t"
		     "movdqu %%xmm7, 0x70(%[out])\n\t"
		     "movdqu %%xmm8, 0x80(%[out])\n\t"
		     "movdqu %%xmm9, 0x90(%[out])\n\t"
		     "movdqu %%xmm10, 0xa0(%[out])\n\t"
		     "movdqu %%xmm11, 0xb0(%[out])\n\t"
		     "movdqu %%xmm12, 0xc0(%[out])\n\t"
		     "movdqu %%xmm13, 0xd0(%[out])\n\t"
		     "movdqu %%xmm14, 0xe0(%[out])\n\t"
		     "movdqu %%xmm15, 0xf0(%[out])\n\t"
		     :
		     : [in] "r"(in), [out] "r"(out), [mask] "r"(mask), [stop] "r"(stop),
		       [nr] "i"(SYS_rt_sigsuspend)
		     : "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2",
		       "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
		       "xmm12", "xmm13", "xmm14", "xmm15");
}

int main(int argc, char **argv)
{
	unsigned char in[NR_XMM][16], out[NR_XMM][16];
	sigset_t wait_mask;
	int i;

	test_init(argc, argv);
	datagen(in, sizeof(in), 128);
	memset(out, 0, sizeof(out));
	sigprocmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);

	test_daemon();
	hold_xmm(in, out, &wait_mask, &test_stop_requested);

	for (i = 0; i < NR_XMM; i++)
		if (memcmp(in[i], out[i], 16)) {
			fail("xmm%d changed", i);
			return 1;
		}
	pass();
	return 0;
}
