/* The eight x87 stack registers and the x87 control word survive the dump unchanged. */
#include <sys/syscall.h>

#include "zdtmlib.h"

/*
 * Sets the control word to `cw`, pushes in[0..7] onto the x87 stack, sleeps in
 * rt_sigsuspend(mask) until *stop is set, then pops the stack into out[7..0] and saves the
 * control word to *cw_out.
 */
static void hold_x87(const double in[8], double out[8], const unsigned short *cw,
		     unsigned short *cw_out, const sigset_t *mask, volatile sig_atomic_t *stop)
{
	asm volatile("fldcw (%[cw])\n\t"
		     "fldl 0x00(%[in])\n\t"
		     "fldl 0x08(%[in])\n\t"
		     "fldl 0x10(%[in])\n\t"
		     "fldl 0x18(%[in])\n\t"
		     "fldl 0x20(%[in])\n\t"
		     "fldl 0x28(%[in])\n\t"
		     "fldl 0x30(%[in])\n\t"
		     "fldl 0x38(%[in])\n\t"
		     "1:\n\t"
		     "mov %[nr], %%eax\n\t"
		     "mov %[mask], %%rdi\n\t"
		     "mov $8, %%esi\n\t"
		     "syscall\n\t"
		     "cmpl $0, (%[stop])\n\t"
		     "je 1b\n\t"
		     "fstpl 0x38(%[out])\n\t"
		     "fstpl 0x30(%[out])\n\t"
		     "fstpl 0x28(%[out])\n\t"
		     "fstpl 0x20(%[out])\n\t"
		     "fstpl 0x18(%[out])\n\t"
		     "fstpl 0x10(%[out])\n\t"
		     "fstpl 0x08(%[out])\n\t"
		     "fstpl 0x00(%[out])\n\t"
		     "fnstcw (%[cw_out])\n\t"
		     :
		     : [in] "r"(in), [out] "r"(out), [cw] "r"(cw), [cw_out] "r"(cw_out),
		       [mask] "r"(mask), [stop] "r"(stop), [nr] "i"(SYS_rt_sigsuspend)
		     : "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc", "st", "st(1)", "st(2)",
		       "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
}

int main(int argc, char **argv)
{
	const double in[8] = { 1.5, -2.25, 3.14159265358979, 1e300, -1e-300, 0.0, 42.0, 2.718281828 };
	/* Round toward zero, 64-bit precision, all exceptions masked (default is 0x037f). */
	const unsigned short cw = 0x0f7f;
	unsigned short cw_out = 0, default_cw;
	double out[8] = { 0 };
	sigset_t wait_mask;
	int i;

	test_init(argc, argv);
	sigprocmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);

	test_daemon();
	hold_x87(in, out, &cw, &cw_out, &wait_mask, &test_stop_requested);
	default_cw = 0x037f;
	asm volatile("fldcw %0" : : "m"(default_cw));

	for (i = 0; i < 8; i++)
		if (memcmp(&in[i], &out[i], sizeof(double))) {
			fail("x87 register for value %d changed: %g -> %g", i, in[i], out[i]);
			return 1;
		}
	if (cw_out != cw) {
		fail("x87 control word %#x, expected %#x", cw_out, cw);
		return 1;
	}
	pass();
	return 0;
}
