/* An armed ITIMER_VIRTUAL keeps its interval and remaining CPU time, and fires after restore. */
#include "itimer_cpu.h"

int main(int argc, char **argv)
{
	return itimer_cpu_test(argc, argv, ITIMER_VIRTUAL, SIGVTALRM);
}
