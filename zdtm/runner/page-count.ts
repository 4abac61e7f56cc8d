// After a dump: the pages the dump says it wrote (stats-dump) must be exactly the pages in the
// pages-*.img files. A mismatch means the stats lie or pages were lost; tools that read the
// stats (as CRIU's harness does) would be misled either way.
import fs from 'node:fs';
import path from 'node:path';
import { readImage } from '../../src/images/index.js';

let cachedPageSize: number | undefined;

/** The kernel's base page size, from our own smaps (4 KiB, or 64 KiB on ppc64le kernels). */
export function pageSize(): number {
  if (cachedPageSize === undefined) {
    const m = /^KernelPageSize:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/smaps', 'utf8'));
    cachedPageSize = m ? Number(m[1]) * 1024 : 4096;
  }
  return cachedPageSize;
}

/** Returns why the counts disagree, or undefined when they agree or no stats-dump was written. */
export function checkPageCount(imageDir: string, page = pageSize()): string | undefined {
  if (!fs.existsSync(path.join(imageDir, 'stats-dump'))) return undefined;
  let stats: Record<string, unknown> | undefined;
  try {
    stats = readImage(imageDir, 'stats-dump').entries[0]?.['dump'] as Record<string, unknown> | undefined;
  } catch (e) {
    return `stats-dump unreadable: ${(e as Error).message}`;
  }
  if (!stats) return 'stats-dump has no dump entry';
  const said = Number(stats['pages_written'] ?? 0) + Number(stats['shpages_written'] ?? 0);
  const bytes = fs
    .readdirSync(imageDir)
    .filter((f) => /^pages-.*\.img$/.test(f))
    .reduce((n, f) => n + fs.statSync(path.join(imageDir, f)).size, 0);
  if (bytes % page !== 0) return `pages-*.img hold ${bytes} bytes, not a whole number of ${page}-byte pages`;
  if (bytes / page !== said) return `page count mismatch: stats-dump says ${said} written, pages-*.img hold ${bytes / page}`;
  return undefined;
}
