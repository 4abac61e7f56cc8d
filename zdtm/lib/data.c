/* Reproducible data patterns, so a test can check memory or file contents byte for byte. */
#include <string.h>

#include "zdtmlib.h"

/* xorshift64*: fast, and the same sequence on every arch. */
static uint64_t next_word(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t initial_state(uint64_t seed)
{
	return seed * 0x9E3779B97F4A7C15ULL + 1;	/* never zero for the seeds tests use */
}

void datagen(void *buf, size_t len, uint64_t seed)
{
	uint64_t state = initial_state(seed), w;
	unsigned char *p = buf;

	while (len >= 8) {
		w = next_word(&state);
		memcpy(p, &w, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		w = next_word(&state);
		memcpy(p, &w, len);
	}
}

ssize_t datacmp(const void *buf, size_t len, uint64_t seed)
{
	uint64_t state = initial_state(seed), w;
	const unsigned char *p = buf;
	size_t off = 0, chunk, i;

	while (off < len) {
		w = next_word(&state);
		chunk = len - off < 8 ? len - off : 8;
		if (memcmp(p + off, &w, chunk)) {
			for (i = 0; i < chunk; i++)
				if (p[off + i] != ((unsigned char *)&w)[i])
					return off + i;
		}
		off += chunk;
	}
	return -1;
}

uint64_t checksum64(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = 0xcbf29ce484222325ULL, w;

	/* FNV-1a over 8-byte words (then the tail bytes): order-sensitive and quick. */
	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		p += 8;
		len -= 8;
	}
	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}
