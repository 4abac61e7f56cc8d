// preDump(): the first step of an incremental dump. The tree is frozen only while its
// private memory is copied (pagemap-<pid>.img, pages-<id>.img, with an inventory), then
// runs on; a later dump or pre-dump given this directory as prevImagesDir writes again only
// the pages that changed since. Without a dirty-page bit on this kernel, "changed" is
// decided by comparing bytes at that later dump, which is exact but reads all memory again.
import { randomUUID } from 'node:crypto';
import { IMG_VERSION } from '../images/format.js';
import { writeImage } from '../images/index.js';
import { sealImages } from '../images/checksums.js';
import { silentLogger } from '../log.js';
import type { DumpOptions, DumpResult, PreDumpOptions } from '../options.js';
import { dumpResult, openImagesDir } from './index.js';
import { preDumpMemory } from './memory.js';
import { addStats, emptyStats } from './page-writer.js';
import { ParentPages } from './parent-pages.js';
import { seizeTree } from './seize.js';

/** What a pre-dump takes of a dump's options (the rest concerns only a final dump). */
export function preDumpOptionsOf(o: DumpOptions): PreDumpOptions {
  const { pid, imagesDir, prevImagesDir, timeoutSec, log } = o;
  return {
    pid, imagesDir,
    ...(prevImagesDir !== undefined ? { prevImagesDir } : {}),
    ...(timeoutSec !== undefined ? { timeoutSec } : {}),
    ...(log !== undefined ? { log } : {}),
  };
}

export async function preDump(opts: PreDumpOptions): Promise<DumpResult> {
  const log = opts.log ?? silentLogger;
  const dir = openImagesDir(opts, log);
  const started = process.hrtime.bigint();
  const tree = seizeTree(opts.pid, log, opts.timeoutSec);
  const frozenAt = process.hrtime.bigint();
  const totals = emptyStats();
  try {
    for (const [index, task] of tree.tasks.entries()) {
      const parent = opts.prevImagesDir !== undefined ? ParentPages.of(dir, task.pid) : undefined;
      addStats(totals, preDumpMemory(task.pid, dir, index + 1, parent, log,
        (entries) => writeImage(dir, `pagemap-${task.pid}.img`, 'pagemap', entries)));
    }
  } finally {
    tree.release();
  }
  const thawedAt = process.hrtime.bigint();
  writeImage(dir, 'inventory.img', 'inventory', [{ img_version: IMG_VERSION, lsmtype: 'NO_LSM', dump_criu_run_id: randomUUID() }]);
  writeImage(dir, 'stats-dump', 'stats', [{
    dump: {
      freezing_time: Number((frozenAt - started) / 1000n), frozen_time: Number((thawedAt - frozenAt) / 1000n),
      memdump_time: totals.memdumpUs, memwrite_time: totals.memwriteUs,
      pages_scanned: BigInt(totals.pagesScanned), pages_skipped_parent: BigInt(totals.pagesSkippedParent),
      pages_written: BigInt(totals.pagesWritten), pages_lazy: 0n,
    },
  }]);
  sealImages(dir);
  log.info(`pre-dumped ${tree.tasks.length} task(s): ${totals.pagesWritten} pages written of ${totals.pagesScanned} scanned, ${totals.pagesSkippedParent} unchanged`);
  return dumpResult(tree.tasks.map((t) => t.pid), totals, started, frozenAt, thawedAt);
}
