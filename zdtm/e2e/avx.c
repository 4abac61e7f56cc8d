/*
 * Eight 32-bit counters live in one AVX register (ymm0) through a busy loop, so a
 * checkpoint almost surely stops the task with them only in the register. The lanes
 * start 1000 apart; losing the upper half of ymm0 (or any lane) breaks that.
 */
#include "daemon.h"

static void count(unsigned lanes[8], long n)
{
	__asm__ volatile("vmovdqu (%0), %%ymm0\n\t"
			 "vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\t" /* -1 in every lane */
			 "1: vpsubd %%ymm1, %%ymm0, %%ymm0\n\t"
			 "dec %1\n\t"
			 "jnz 1b\n\t"
			 "vmovdqu %%ymm0, (%0)\n\t"
			 : "+r"(lanes), "+r"(n)
			 :
			 : "xmm0", "xmm1", "memory");
}

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	unsigned lanes[8];
	for (int i = 0; i < 8; i++)
		lanes[i] = 1000u * i;
	ready(argv);
	for (;;) {
		count(lanes, 20000000);
		for (int i = 1; i < 8; i++)
			if (lanes[i] - lanes[0] != 1000u * i) {
				printf("FAIL lane %d: %u vs %u\n", i, lanes[i], lanes[0]);
				return 1;
			}
		printf("ok %u\n", lanes[0]);
	}
}
