/* 64 MiB of pseudo-random data with its checksum, re-checked every 100 ms. */
#include <stdint.h>
#include "daemon.h"

#define SIZE (64UL << 20)

static uint64_t checksum(const uint64_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

int main(int argc, char **argv)
{
	(void)argc;
	daemonize(argv);
	uint64_t *data = malloc(SIZE), x = 88172645463325252ULL;
	for (size_t i = 0; i < SIZE / 8; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		data[i] = x;
	}
	const uint64_t want = checksum(data, SIZE / 8);
	ready(argv);
	for (unsigned long round = 0;; round++) {
		uint64_t got = checksum(data, SIZE / 8);
		printf("%s %lu %016llx\n", got == want ? "ok" : "BAD", round, (unsigned long long)got);
		usleep(100000);
	}
}
