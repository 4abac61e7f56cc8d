// Streams page contents into one pages-<id>.img and builds the pagemap entries that
// describe it. Pages come from a process (process_vm_readv into one reused 8 MiB buffer;
// what it cannot read, mappings without read permission, through /proc/PID/mem) or from
// a file such as a memfd (pread). All-zero pages are dropped where the caller allows it.
// Each entry's pages are hashed as they are written, for checksums.img (page-digests.ts).
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { PE_PARENT, PE_PRESENT } from '../images/format.js';
import type { ParentPages } from './parent-pages.js';
import type { PagemapEntry } from '../images/index.js';
import { recordPageDigests } from '../images/page-digests.js';
import { openPrivate } from '../images/private.js';
import { readRanges } from '../sys/memory.js';
import { PAGE_SIZE } from '../sys/page-size.js';

export { PAGE_SIZE };
const BATCH_PAGES = 2048;

export interface MemoryStats {
  pagesScanned: number;
  pagesSkippedZero: number;
  /** Pages the previous dump holds unchanged: recorded PE_PARENT, not written. */
  pagesSkippedParent: number;
  pagesWritten: number;
  /** Microseconds reading target memory / writing image files (CRIU's memdump/memwrite). */
  memdumpUs: number;
  memwriteUs: number;
}

export const emptyStats = (): MemoryStats => ({ pagesScanned: 0, pagesSkippedZero: 0, pagesSkippedParent: 0, pagesWritten: 0, memdumpUs: 0, memwriteUs: 0 });

/** Where pages are read from: a process's memory, or a file at page-aligned offsets. */
export type PageSource = { pid: number } | { fd: number };

const sourceKey = (s: PageSource) => ('pid' in s ? `pid:${s.pid}` : `fd:${s.fd}`);

export class PageWriter {
  /** pagemap entries (without the head), in the order the pages were added; each has nr_pages. */
  readonly pagemap: (PagemapEntry & { nr_pages: bigint })[] = [];
  readonly stats = emptyStats();
  /** sha256 of the written pages of each pagemap entry. */
  private readonly hashes: Hash[] = [];
  private readonly buf = Buffer.allocUnsafe(BATCH_PAGES * PAGE_SIZE);
  private readonly zero = Buffer.alloc(PAGE_SIZE);
  private readonly out: number;
  private source: PageSource = { pid: 0 };
  private ranges: number[] = [];
  /** Per page of the batch: the address to record, and whether a zero page may be dropped. */
  private pages: { at: number; zeroSkippable: boolean }[] = [];

  /** parent: the previous dumps of this memory; a page they hold with the same bytes is not written again. */
  constructor(private readonly file: string, private readonly onBatch: () => void = () => {}, private readonly parent?: ParentPages) {
    this.out = openPrivate(file);
  }

  /**
   * Queues count pages at addr of the source; they are recorded in the pagemap at
   * recordAt (the same address for private memory, an offset in the object for shared).
   */
  add(source: PageSource, addr: number, count: number, zeroSkippable: boolean, recordAt = addr): void {
    if (sourceKey(source) !== sourceKey(this.source)) {
      this.flush();
      this.source = source;
    }
    while (count > 0) {
      const take = Math.min(count, BATCH_PAGES - this.pages.length);
      const last = this.ranges.length - 2;
      if (last >= 0 && this.ranges[last]! + this.ranges[last + 1]! === addr) this.ranges[last + 1]! += take * PAGE_SIZE;
      else this.ranges.push(addr, take * PAGE_SIZE);
      for (let i = 0; i < take; i++) this.pages.push({ at: recordAt + i * PAGE_SIZE, zeroSkippable });
      addr += take * PAGE_SIZE;
      recordAt += take * PAGE_SIZE;
      count -= take;
      if (this.pages.length === BATCH_PAGES) this.flush();
    }
  }

  private flush(): void {
    if (this.pages.length === 0) return;
    const t0 = process.hrtime.bigint();
    const want = this.pages.length * PAGE_SIZE;
    if ('pid' in this.source) {
      const got = readRanges(this.source.pid, this.buf, 0, Float64Array.from(this.ranges));
      if (got !== want) this.readRangesOf(fs.openSync(`/proc/${this.source.pid}/mem`, 'r'), got, true);
    } else {
      this.readRangesOf(this.source.fd, 0, false);
    }
    const t1 = process.hrtime.bigint();
    // Write maximal runs of kept pages; extend the last pagemap entry while addresses follow on.
    let runStart = -1;
    const writeRun = (end: number) => {
      if (runStart >= 0) fs.writeSync(this.out, this.buf, runStart * PAGE_SIZE, (end - runStart) * PAGE_SIZE);
      runStart = -1;
    };
    let last = this.pagemap[this.pagemap.length - 1];
    let lastEnd = last ? Number(last.vaddr) + Number(last.nr_pages) * PAGE_SIZE : -1;
    // Written pages [from, to) of the batch that belong to one entry: hashed in one update.
    let span: { entry: number; from: number; to: number } | undefined;
    const hashSpan = () => {
      if (span) this.hashes[span.entry]!.update(this.buf.subarray(span.from * PAGE_SIZE, span.to * PAGE_SIZE));
      span = undefined;
    };
    this.pages.forEach((p, i) => {
      this.stats.pagesScanned++;
      const off = i * PAGE_SIZE;
      if (p.zeroSkippable && this.zero.compare(this.buf, off, off + PAGE_SIZE) === 0) {
        this.stats.pagesSkippedZero++;
        writeRun(i);
        return;
      }
      const inParent = this.parent?.holds(p.at, this.buf, off) === true;
      if (inParent) {
        this.stats.pagesSkippedParent++;
        writeRun(i);
      } else {
        if (runStart < 0) runStart = i;
        this.stats.pagesWritten++;
      }
      const flags = inParent ? PE_PARENT : PE_PRESENT;
      if (last && lastEnd === p.at && last.flags === flags) {
        last.nr_pages += 1n;
      } else {
        last = { vaddr: BigInt(p.at), compat_nr_pages: 0, flags, nr_pages: 1n };
        this.pagemap.push(last);
        this.hashes.push(createHash('sha256'));
      }
      lastEnd = p.at + PAGE_SIZE;
      if (inParent) return;
      const entry = this.pagemap.length - 1;
      if (span?.entry === entry && span.to === i) span.to = i + 1;
      else {
        hashSpan();
        span = { entry, from: i, to: i + 1 };
      }
    });
    hashSpan();
    writeRun(this.pages.length);
    const t2 = process.hrtime.bigint();
    this.stats.memdumpUs += Number((t1 - t0) / 1000n);
    this.stats.memwriteUs += Number((t2 - t1) / 1000n);
    this.pages = [];
    this.ranges = [];
    this.onBatch();
  }

  /**
   * preads the batch's ranges from byte `from` of the batch on, from fd: /proc/PID/mem
   * (which ignores protections; closed afterwards when `close`) or the source file.
   */
  private readRangesOf(fd: number, from: number, close: boolean): void {
    try {
      let off = 0;
      for (let i = 0; i < this.ranges.length; i += 2) {
        const addr = this.ranges[i]!;
        const len = this.ranges[i + 1]!;
        const skip = Math.max(0, Math.min(len, from - off));
        for (let done = skip; done < len; ) {
          const n = fs.readSync(fd, this.buf, off + done, len - done, addr + done);
          if (n === 0 && !close) {
            // A file's last page past its end reads as zeros once mapped.
            this.buf.fill(0, off + done, off + len);
            break;
          }
          if (n <= 0) throw new Error(`criu-ts: cannot read ${sourceKey(this.source)} at 0x${(addr + done).toString(16)}`);
          done += n;
        }
        off += len;
      }
    } finally {
      if (close) fs.closeSync(fd);
    }
  }

  close(): void {
    try {
      this.flush();
      recordPageDigests(this.file, {
        sha256: this.hashes.map((h) => h.digest()),
        pages: this.pagemap.map((pe) => (pe.flags === PE_PARENT ? 0n : pe.nr_pages)),
      });
    } finally {
      fs.closeSync(this.out);
      this.parent?.close();
    }
  }
}

/** Adds b's counters into a. */
export function addStats(a: MemoryStats, b: MemoryStats): void {
  for (const k of Object.keys(a) as (keyof MemoryStats)[]) a[k] += b[k];
}
