// The memory plan of a task: which VMAs to map and how, which bytes of pages-<id>.img
// go where (from pagemap-<pid>.img), and how the kernel's vDSO/vvar mappings of the new
// task move to where the old ones were.
import { ImageError } from '../images/index.js';
import type { Vma } from '../proc/maps.js';
import { ghostNumber } from '../fd/ghost-file.js';
import { VMA } from '../images/format.js';
import { type ChainRun, extentsOf, PageChain } from '../images/page-chain.js';
import { O_RDONLY, O_RDWR } from '../sys/fcntl.js';
import { usablePath } from './beneath.js';
import { fileEntry, type TaskImages, type TreeImages } from './task-images.js';
import { PAGE_SIZE as HOST_PAGE_SIZE } from '../sys/page-size.js';
import { MAP_ANONYMOUS, MAP_DROPPABLE, MAP_GROWSDOWN, MAP_LOCKED, MAP_NORESERVE, MAP_PRIVATE, MAP_SHARED, PROT_WRITE } from '../sys/mman.js';

// CRIU's VMA status bits (criu/include/image.h), a fact of the image format.
// pagemap_entry flags.

const MAP_KEPT = MAP_SHARED | MAP_PRIVATE | MAP_DROPPABLE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_NORESERVE | MAP_LOCKED;
export const PAGE_SIZE = BigInt(HOST_PAGE_SIZE);

export interface VmaPlan {
  start: bigint;
  end: bigint;
  pgoff: bigint;
  prot: number;
  /** Protection while pages are written into it (prot, plus write when it gets pages). */
  mapProt: number;
  flags: number;
  madv: bigint;
  /** The file mapped, opened by path with these open flags. */
  file?: { path: string; openFlags: number; fileId: number };
  /** The shared anonymous memory object mapped (its shmid), recreated once for the tree. */
  shmem?: bigint;
  /** A file the restore makes (memfd, deleted file): its file id, opened with these flags through its kind. */
  recreated?: { fileId: number; openFlags: number };
}

/** Bytes of a pages file to put at vaddr: layer 0 is this dump's pages-<id>.img, n that of the n-th parent (MemoryPlan.parentPages[n - 1]). */
export type PagesRun = ChainRun;

export interface Range {
  start: bigint;
  end: bigint;
}

export interface MemoryPlan {
  vmas: VmaPlan[];
  runs: PagesRun[];
  /** The old vDSO and vvar mappings (one or more ranges each), by address. */
  vdso: Range[];
  vvar: Range[];
  pagesRestored: number;
  /** Pages files of the parent dumps that runs read from, by layer - 1. */
  parentPages: string[];
}

const hex = (n: bigint): string => '0x' + n.toString(16);

function describeUnsupported(status: number): string | undefined {
  if (status & VMA.AREA_SYSVIPC) return 'SysV shared memory';
  if (!(status & (VMA.ANON_PRIVATE | VMA.ANON_SHARED | VMA.FILE_PRIVATE | VMA.FILE_SHARED))) return `a mapping of kind 0x${status.toString(16)}`;
  return undefined;
}

export function planMemory(task: TaskImages, tree: TreeImages): MemoryPlan {
  const vmas: VmaPlan[] = [];
  const vdso: Range[] = [];
  const vvar: Range[] = [];
  const areas = task.mm.vmas;
  if (!Array.isArray(areas) || areas.length === 0) throw new ImageError(`mm-${task.pid}.img`, 0, 'the memory areas (vmas) of the task');
  for (const v of areas) {
    const start = BigInt(v.start);
    const end = BigInt(v.end);
    const status = v.status;
    if (status & VMA.AREA_VSYSCALL) continue; // the kernel provides it at a fixed address
    if (status & VMA.AREA_VDSO) {
      vdso.push({ start, end });
      continue;
    }
    if (status & VMA.AREA_VVAR) {
      vvar.push({ start, end });
      continue;
    }
    const what = describeUnsupported(status);
    if (what || !(status & VMA.AREA_REGULAR)) {
      throw new Error(`criu-ts: task ${task.pid}: cannot restore ${what ?? 'an irregular mapping'} at ${hex(start)}-${hex(end)} yet`);
    }
    const flags = v.flags & MAP_KEPT;
    const plan: VmaPlan = { start, end, pgoff: BigInt(v.pgoff), prot: v.prot, mapProt: v.prot, flags, madv: BigInt(v.madv ?? 0) };
    if (status & (VMA.FILE_PRIVATE | VMA.FILE_SHARED)) {
      const writable = (status & VMA.FILE_SHARED) !== 0 && (plan.prot & PROT_WRITE) !== 0;
      const openFlags = writable ? O_RDWR : O_RDONLY;
      const fileId = Number(v.shmid);
      if (tree.files.get(fileId)?.type === 'MEMFD' || ghostNumber(tree, fileId) !== undefined) plan.recreated = { fileId, openFlags };
      else plan.file = { path: usablePath(fileEntry(tree, fileId, 'REG').reg.name), openFlags, fileId };
    }
    if (status & VMA.ANON_SHARED) {
      plan.shmem = BigInt(v.shmid);
      plan.flags &= ~MAP_ANONYMOUS; // mapped from the object's fd
    }
    vmas.push(plan);
  }
  vmas.sort((a, b) => (a.start < b.start ? -1 : 1));
  const { runs, pages, parentPages } = planPages(task, tree.dir, vmas, [...vdso, ...vvar]);
  return { vmas, runs, vdso, vvar, pagesRestored: pages, parentPages };
}

/**
 * Splits pagemap entries over the VMAs they land in; pages of the vDSO/vvar are skipped.
 * PE_PARENT entries are looked up in the chain of parent dumps.
 */
function planPages(task: TaskImages, dir: string, vmas: VmaPlan[], special: Range[]): { runs: PagesRun[]; pages: number; parentPages: string[] } {
  const file = `pagemap-${task.pid}.img`;
  const runs: PagesRun[] = [];
  let chain: PageChain | undefined;
  let pages = 0;
  for (const e of extentsOf(task.pagemap)) {
    if (special.some((r) => e.start >= r.start && e.end <= r.end)) continue;
    let found: PagesRun[];
    if (e.off !== undefined) found = [{ vaddr: e.start, len: e.end - e.start, layer: 0, off: e.off }];
    else {
      chain ??= PageChain.ofParents(dir, file);
      const inParents = chain.find(e.start, e.end);
      if (!inParents) throw new ImageError(file, 0, `the pages at ${hex(e.start)}-${hex(e.end)} marked in a parent dump to be in ${chain.depth ? `its chain of ${chain.depth}` : 'a parent directory (there is none)'}`);
      found = inParents;
    }
    for (const f of found) splitOverVmas(task.pid, vmas, f, runs);
    pages += Number((e.end - e.start) / PAGE_SIZE);
  }
  return { runs, pages, parentPages: chain ? chain.layers.slice(1).map((l) => l.pagesFile) : [] };
}

function splitOverVmas(pid: number, vmas: VmaPlan[], f: PagesRun, runs: PagesRun[]): void {
  const end = f.vaddr + f.len;
  let at = f.vaddr;
  for (const v of vmas) {
    if (at >= end) break;
    if (v.end <= at) continue;
    if (v.start > at) break;
    const upto = v.end < end ? v.end : end;
    runs.push({ vaddr: at, len: upto - at, off: f.off + (at - f.vaddr), layer: f.layer });
    v.mapProt |= PROT_WRITE;
    at = upto;
  }
  if (at < end) throw new ImageError(`pagemap-${pid}.img`, 0, `pages at ${hex(at)} to lie in a VMA of mm-${pid}.img`);
}

export interface SpecialMoves {
  /** mremap steps, in an order where no mapping lands on one not yet moved. */
  moves: { from: bigint; len: bigint; to: bigint }[];
  /** Current special mappings the restorer must keep while it unmaps the rest. */
  keep: Range[];
}

const SPECIAL_NAMES = ['[vvar]', '[vvar_vclock]', '[vdso]'];

/**
 * Moves the kernel's current vDSO and vvar mappings (inherited from our own process) to
 * where the task had its own. The vDSO reaches its data at fixed offsets, so the whole
 * group moves by one delta and must have the same shape as the old group.
 */
export function planSpecialMoves(plan: MemoryPlan, current: Vma[]): SpecialMoves {
  const cur = current.filter((v) => SPECIAL_NAMES.includes(v.name)).sort((a, b) => (a.start < b.start ? -1 : 1));
  if (plan.vdso.length === 0) return { moves: [], keep: [] }; // the task ran without a vDSO: drop ours
  const curVdso = cur.filter((v) => v.name === '[vdso]');
  const size = (rs: Range[]): bigint => rs.reduce((s, r) => s + r.end - r.start, 0n);
  if (curVdso.length !== 1 || size(curVdso) !== size(plan.vdso)) {
    throw new Error(`criu-ts: the vDSO here (${size(curVdso)} bytes) differs from the dumped one (${size(plan.vdso)} bytes)`);
  }
  const delta = plan.vdso[0]!.start - curVdso[0]!.start;
  const curVvar = cur.filter((v) => v.name !== '[vdso]');
  const moved = (rs: Range[]): string => rs.map((r) => `${hex(r.start)}-${hex(r.end)}`).join(',');
  const want = merge(plan.vvar);
  const have = merge(curVvar.map((v) => ({ start: v.start + delta, end: v.end + delta })));
  if (moved(want) !== moved(have)) {
    throw new Error(`criu-ts: the vvar pages here (${moved(curVvar)}) cannot take the dumped layout (${moved(plan.vvar)} next to the vDSO)`);
  }
  const distance = delta < 0n ? -delta : delta;
  if (delta !== 0n && cur.some((v) => distance < v.end - v.start)) {
    throw new Error('criu-ts: the vDSO would move onto itself; retry the restore (addresses are random)');
  }
  // Moving up, the highest goes first (and the reverse), so none lands on one still in place.
  const order = delta > 0n ? [...cur].reverse() : cur;
  return {
    moves: delta === 0n ? [] : order.map((v) => ({ from: v.start, len: v.end - v.start, to: v.start + delta })),
    keep: cur.map((v) => ({ start: v.start, end: v.end })),
  };
}

function merge(rs: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of [...rs].sort((a, b) => (a.start < b.start ? -1 : 1))) {
    const last = out[out.length - 1];
    if (last && last.end === r.start) last.end = r.end;
    else out.push({ ...r });
  }
  return out;
}
