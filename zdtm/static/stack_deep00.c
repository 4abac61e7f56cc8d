/* A main stack grown deep by recursion (about 4 MiB of frames) keeps every frame's data. */
#include <sys/resource.h>

#include "zdtmlib.h"

#define FRAME 4096

/* Each level keeps a frame of pattern bytes, waits at the bottom, and checks on the way back. */
static int descend(int level, int depth)
{
	volatile unsigned char frame[FRAME];
	int bad;

	datagen((unsigned char *)frame, FRAME, level);
	if (level + 1 < depth)
		bad = descend(level + 1, depth);
	else {
		test_daemon();
		test_waitsig();
		bad = 0;
	}
	if (datacmp((unsigned char *)frame, FRAME, level) >= 0)
		bad = level + 1;
	return bad;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int depth = 1024, bad;	/* 4 MiB of frames */

	test_init(argc, argv);
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)depth * (FRAME + 256) > rl.rlim_cur / 2)
		depth = rl.rlim_cur / 2 / (FRAME + 256);

	bad = descend(0, depth);
	if (bad) {
		fail("stack frame at level %d lost its data (depth %d)", bad - 1, depth);
		return 1;
	}
	pass();
	return 0;
}
