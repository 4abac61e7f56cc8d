/* All sixteen AVX registers keep their full 256-bit values (upper halves included) through the dump. */
#include <sys/syscall.h>

#include "zdtmlib.h"

#define NR_YMM 16

/*
 * Loads ymm0-15 from `in`, sleeps in rt_sigsuspend(mask) until *stop is set (SIGTERM handler),
 * then stores ymm0-15 to `out`. No compiled code runs while the values sit in the registers.
 */
static void hold_ymm(const unsigned char in[NR_YMM][32], unsigned char out[NR_YMM][32],
		     const sigset_t *mask, volatile sig_atomic_t *stop)
{
	asm volatile("vmovdqu 0x0(%[in]), %%ymm0\n\t"
		     "vmovdqu 0x20(%[in]), %%ymm1\n\t"
		     "vmovdqu 0x40(%[in]), %%ymm2\n\t"
		     "vmovdqu 0x60(%[in]), %%ymm3\n\t"
		     "vmovdqu 0x80(%[in]), %%ymm4\n\t"
		     "vmovdqu 0xa0(%[in]), %%ymm5\n\t"
		     "vmovdqu 0xc0(%[in]), %%ymm6\n\t"
		     "vmovdqu 0xe0(%[in]), %%ymm7\n\t"
		     "vmovdqu 0x100(%[in]), %%ymm8\n\t"
		     "vmovdqu 0x120(%[in]), %%ymm9\n\t"
		     "vmovdqu 0x140(%[in]), %%ymm10\n\t"
		     "vmovdqu 0x160(%[in]), %%ymm11\n\t"
		     "vmovdqu 0x180(%[in]), %%ymm12\n\t"
		     "vmovdqu 0x1a0(%[in]), %%ymm13\n\t"
		     "vmovdqu 0x1c0(%[in]), %%ymm14\n\t"
		     "vmovdqu 0x1e0(%[in]), %%ymm15\n\t"
		     "1:\n\t"
		     "mov %[nr], %%eax\n\t"
		     "mov %[mask], %%rdi\n\t"
		     "mov $8, %%esi\n\t"
		     "syscall\n\t"
		     "cmpl $0, (%[stop])\n\t"
		     "je 1b\n\t"
		     "vmovdqu %%ymm0, 0x0(%[out])\n\t"
		     "vmovdqu %%ymm1, 0x20(%[out])\n\t"
		     "vmovdqu %%ymm2, 0x40(%[out])\n\t"
		     "vmovdqu %%ymm3, 0x60(%[out])\n\t"
		     "vmovdqu %%ymm4, 0x80(%[out])\n\t"
		     "vmovdqu %%ymm5, 0xa0(%[out])\n\t"
		     "vmovdqu %%ymm6, 0xc0(%[out])\n\t"
		     "vmovdqu %%ymm7, 0xe0(%[out])\n\t"
		     "vmovdqu %%ymm8, 0x100(%[out])\n\t"
		     "vmovdqu %%ymm9, 0x120(%[out])\n\t"
		     "vmovdqu %%ymm10, 0x140(%[out])\n\t"
		     "vmovdqu %%ymm11, 0x160(%[out])\n\t"
		     "vmovdqu %%ymm12, 0x180(%[out])\n\t"
		     "vmovdqu %%ymm13, 0x1a0(%[out])\n\t"
		     "vmovdqu %%ymm14, 0x1c0(%[out])\n\t"
		     "vmovdqu %%ymm15, 0x1e0(%[out])\n\t"
		     "vzeroupper\n\t"
		     :
		     : [in] "r"(in), [out] "r"(out), [mask] "r"(mask), [stop] "r"(stop),
		       [nr] "i"(SYS_rt_sigsuspend)
		     : "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2",
		       "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
		       "xmm12", "xmm13", "xmm14", "xmm15");
}

int main(int argc, char **argv)
{
	unsigned char in[NR_YMM][32], out[NR_YMM][32];
	sigset_t wait_mask;
	int i;

	test_init(argc, argv);
	if (!__builtin_cpu_supports("avx")) {
		test_msg("SKIP: this CPU (or kernel) has no AVX; nothing to check\n");
		test_daemon();
		test_waitsig();
		pass();
		return 0;
	}
	datagen(in, sizeof(in), 128);
	memset(out, 0, sizeof(out));
	sigprocmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);

	test_daemon();
	hold_ymm(in, out, &wait_mask, &test_stop_requested);

	for (i = 0; i < NR_YMM; i++)
		if (memcmp(in[i], out[i], 32)) {
			fail("ymm%d changed (%s half)", i, memcmp(in[i], out[i], 16) ? "lower" : "upper");
			return 1;
		}
	pass();
	return 0;
}
