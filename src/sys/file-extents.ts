// The data extents of a file (SEEK_DATA/SEEK_HOLE): where it holds data and not holes, which
// is what both an unlinked file's copy and a shared memory object's pages are made of.
import { isSysError } from './native.js';
import { lseek, SEEK_DATA, SEEK_HOLE } from './restore.js';

/** [offset, length] of each data extent of the open file fd within [from, to). */
export function dataExtents(fd: number, to: bigint, from = 0n): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (let at = from; at < to; ) {
    let start: bigint;
    try {
      start = lseek(fd, at, SEEK_DATA);
    } catch (e) {
      if (isSysError(e, 'ENXIO')) break; // only a hole is left
      throw e;
    }
    if (start >= to) break;
    const end = lseek(fd, start, SEEK_HOLE);
    out.push([start, (end < to ? end : to) - start]);
    at = end;
  }
  return out;
}
