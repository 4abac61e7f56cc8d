// Incremental images: a dump made with --prev-images-dir records the pages that did not
// change since the previous (pre-)dump as PE_PARENT pagemap entries, and a `parent`
// symlink to that dump's directory, which may have a parent in turn. PageChain finds, for
// a task's pages, the layer (0: this directory, 1: its parent, ...) and the offset in that
// layer's pages file where their bytes are.
import fs from 'node:fs';
import path from 'node:path';
import { ImageError } from './error.js';
import { PE_PARENT, PE_PRESENT } from './format.js';
import { readImage } from './index.js';
import type { PagemapEntry } from './entries.js';
import { PAGE_SIZE as HOST_PAGE_SIZE } from '../sys/page-size.js';

const PAGE_SIZE = BigInt(HOST_PAGE_SIZE);
/** Deeper chains than this are taken for a symlink loop. */
const MAX_LAYERS = 64;

/** Bytes of the task's memory at [start, end): in the layer's pages file at off, or in the next layer. */
interface Extent {
  start: bigint;
  end: bigint;
  off?: bigint;
}

export interface ChainLayer {
  dir: string;
  /** The pages file this layer's pagemap describes. */
  pagesFile: string;
  extents: Extent[];
}

/** A piece of memory found in the chain: len bytes at vaddr are at off of layer's pages file. */
export interface ChainRun {
  vaddr: bigint;
  len: bigint;
  layer: number;
  off: bigint;
}

/** rel taken from dir as the kernel would: dir may be a /proc/self/fd/N link (an RPC client's fd). */
const resolveFrom = (dir: string, rel: string): string => path.resolve(fs.realpathSync(dir), rel);

/** The directory a dump's `parent` symlink names (relative to the dump's own), if any. */
function parentDir(dir: string): string | undefined {
  const link = path.join(dir, 'parent');
  let target: string;
  try {
    target = fs.readlinkSync(link);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ImageError('parent', 0, `a symlink to the previous dump's directory (${(e as NodeJS.ErrnoException).code})`);
  }
  return resolveFrom(dir, target);
}

/**
 * Points dir's `parent` symlink at prev (relative to dir, as criu takes --prev-images-dir),
 * or removes a stale one when there is no prev: a reused directory must not keep a parent
 * its new images do not refer to.
 */
export function linkParentDir(dir: string, prev: string | undefined): void {
  const link = path.join(dir, 'parent');
  if (prev !== undefined) {
    const at = resolveFrom(dir, prev);
    if (!fs.existsSync(path.join(at, 'inventory.img'))) throw new Error(`criu-ts: --prev-images-dir ${prev}: ${at} holds no dump (no inventory.img)`);
    if (fs.realpathSync(at) === fs.realpathSync(dir)) throw new Error(`criu-ts: --prev-images-dir ${prev} is the images directory itself`);
  }
  try {
    if (fs.lstatSync(link).isSymbolicLink()) fs.unlinkSync(link);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (prev !== undefined) fs.symlinkSync(prev, link);
}

/** Where each pagemap entry's bytes are: PE_PARENT ones in the next layer, present ones in order in the pages file. */
export function extentsOf(pagemap: PagemapEntry[]): Extent[] {
  const out: Extent[] = [];
  let off = 0n;
  for (const pe of pagemap) {
    const flags = pe.flags ?? PE_PRESENT;
    const start = BigInt(pe.vaddr);
    const end = start + BigInt(pe.nr_pages ?? pe.compat_nr_pages ?? 0) * PAGE_SIZE;
    if (flags & PE_PARENT || pe.in_parent) out.push({ start, end });
    else if (flags & PE_PRESENT) {
      out.push({ start, end, off });
      off += end - start;
    }
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

export class PageChain {
  private constructor(readonly layers: ChainLayer[]) {}

  /**
   * The chain of pagemapFile (e.g. pagemap-42.img) from dir's parent down: layer 1 is the
   * parent. Layers without that file end the chain (the task was not in them).
   */
  static ofParents(dir: string, pagemapFile: string): PageChain {
    const layers: ChainLayer[] = [{ dir, pagesFile: '', extents: [] }];
    const seen = new Set([fs.realpathSync(dir)]);
    for (let at = parentDir(dir); at !== undefined; at = parentDir(at)) {
      if (!fs.existsSync(path.join(at, pagemapFile))) break;
      const real = fs.realpathSync(at);
      if (seen.has(real) || layers.length > MAX_LAYERS) throw new ImageError(pagemapFile, 0, `a chain of parent dumps without a loop (${at} comes again)`);
      seen.add(real);
      const [head, ...pagemap] = readImage(at, pagemapFile, 'pagemap').entries;
      if (head?.pages_id === undefined) throw new ImageError(pagemapFile, 0, 'a pagemap_head first');
      layers.push({ dir: at, pagesFile: path.join(at, `pages-${head.pages_id}.img`), extents: extentsOf(pagemap) });
    }
    return new PageChain(layers);
  }

  get depth(): number {
    return this.layers.length - 1;
  }

  /**
   * Where [start, end) is, searched from layer `from` on (1: the parent). Undefined if some
   * page of it is in no layer.
   */
  find(start: bigint, end: bigint, from = 1): ChainRun[] | undefined {
    const layer = this.layers[from];
    if (!layer) return undefined;
    const out: ChainRun[] = [];
    let at = start;
    for (const e of covering(layer.extents, start, end)) {
      if (e.start > at) return undefined;
      const upto = e.end < end ? e.end : end;
      if (e.off !== undefined) out.push({ vaddr: at, len: upto - at, layer: from, off: e.off + (at - e.start) });
      else {
        const deeper = this.find(at, upto, from + 1);
        if (!deeper) return undefined;
        out.push(...deeper);
      }
      at = upto;
    }
    return at >= end ? out : undefined;
  }
}

/** The extents (sorted, not overlapping) that meet [start, end), in order. */
function covering(extents: Extent[], start: bigint, end: bigint): Extent[] {
  let lo = 0;
  let hi = extents.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (extents[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  const out: Extent[] = [];
  for (let i = lo; i < extents.length && extents[i]!.start < end; i++) out.push(extents[i]!);
  return out;
}
