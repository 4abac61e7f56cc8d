// Damaged images: every truncation and random corruption of a sample image of each kind
// either still decodes or fails with an ImageError, never with another exception.
import { describe, expect, it } from 'vitest';
import { ImageError } from './error.js';
import { decodeFramed, encodeFramed } from './framing.js';
import { KINDS } from './kinds.js';
import { sampleImage } from '../testing/images.js';

function decodesOrImageError(buf: Buffer, file: string): 'ok' | 'error' {
  try {
    decodeFramed(buf, file, 'LE');
    return 'ok';
  } catch (e) {
    if (!(e instanceof ImageError)) throw new Error(`${file}: ${String(e)} is not an ImageError`);
    expect(e.message).not.toContain('\n');
    return 'error';
  }
}

// A small deterministic generator (xorshift32), so failures reproduce.
function prng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe.each(Object.keys(KINDS))('damaged %s image', (kind) => {
  const { entries, payloads } = sampleImage(kind, 'LE', 2);
  const buf = encodeFramed(kind, entries, payloads, 'LE');
  const file = `${kind}-1.img`;

  it('truncations decode (at an entry boundary) or are ImageErrors', () => {
    const outcomes = new Set<string>();
    // every cut in the header and first entry length, then ~100 cuts spread over the rest
    const step = Math.max(1, Math.floor(buf.length / 100));
    for (let len = 0; len < buf.length; len += len < 16 ? 1 : step) outcomes.add(decodesOrImageError(buf.subarray(0, len), file));
    expect(outcomes).toContain('error');
  });

  it('random byte corruption decodes or is an ImageError', () => {
    const rand = prng(kind.length * 7919 + buf.length);
    for (let round = 0; round < 50; round++) {
      const bad = Buffer.from(buf);
      const flips = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < flips; i++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      decodesOrImageError(bad, file);
    }
  });
});
