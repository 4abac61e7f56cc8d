// A task's memory: every VMA into mm-<pid>.img (with CRIU's status bits and file ids),
// and the contents of present pages into pages-<id>.img, described by pagemap-<pid>.img.
// Pages are located with /proc/PID/pagemap and streamed by a PageWriter; all-zero pages
// of anonymous memory are skipped (restore maps them fresh). Shared anonymous memory is
// handed to SharedAnonMemory, which saves each object once for the whole tree.
import fs from 'node:fs';
import path from 'node:path';
import { hostArch } from '../arch/index.js';
import { VMA } from '../images/format.js';
import type { EntriesOf, MmEntry, VmaEntry } from '../images/index.js';
import type { Logger } from '../log.js';
import { injectFault } from '../fault.js';
import { auxvForImage, parseAuxv } from '../proc/auxv.js';
import { parseMaps, type Vma } from '../proc/maps.js';
import { parseStat } from '../proc/stat.js';
import type { FilesDump } from '../fd/dump.js';
import { isUnlinkedPath } from '../fd/ghost-file.js';
import { memfd as memfdKind } from '../fd/memfd.js';
import { regFile } from '../fd/reg-file.js';
import { hostLittleEndian } from '../sys/host-order.js';
import { O_RDWR } from '../sys/fcntl.js';
import { readMemory } from '../sys/memory.js';
import { restorerBlob } from '../blob/restorer-blob.js';
import { MAP_ANONYMOUS, MAP_DROPPABLE, MAP_GROWSDOWN, MAP_LOCKED, MAP_NORESERVE, MAP_PRIVATE, MAP_SHARED, PROT_EXEC, PROT_READ, PROT_WRITE } from '../sys/mman.js';
import { PAGE_SIZE, PageWriter, type MemoryStats } from './page-writer.js';
import type { ParentPages } from './parent-pages.js';
import type { SharedAnonMemory } from './shmem.js';
import { dataExtents } from '../sys/file-extents.js';

/** smaps VmFlags -> madvise advice numbers (the image keeps 1 << advice). */
const madvByFlag: Record<string, number> = { rr: 1, sr: 2, dc: 10, mg: 12, hg: 14, nh: 15, dd: 16, wf: 18 };
// /proc/PID/pagemap bits 63 (present), 62 (swapped) and 61 (file page), as seen in the high
// 32-bit half of an entry: the walk reads only that half, without a BigInt per page (a 64 GiB
// reservation is 16M entries, and foreign guests run Node without a JIT).
const PM_PRESENT_HI = 0x80000000;
const PM_SWAP_HI = 0x40000000;
const PM_FILE_HI = 0x20000000;
/** Index of an entry's high half among the host-order u32 words. */
const HI_WORD = hostLittleEndian ? 1 : 0;

interface VmaPlan {
  vma: Vma;
  entry: VmaEntry;
  /**
   * Which pages to save: none, those not backed by the file (private file maps), all
   * present ones, or all present ones into the shared object (shared anonymous memory).
   */
  pages: 'none' | 'cow' | 'present' | 'shared';
  /** All-zero pages may be skipped: the area reads as zero where nothing is mapped. */
  zeroSkippable: boolean;
}

function unsupported(pid: number, vma: Vma, what: string): Error {
  return new Error(`criu-ts: cannot dump ${pid}'s mapping ${vma.start.toString(16)}-${vma.end.toString(16)} ${vma.name}: ${what} is not supported yet`);
}

/** fds undefined: only which pages to save is wanted (pre-dump), no file ids. */
function planVma(pid: number, vma: Vma, fds: FilesDump | undefined): VmaPlan {
  const prot = (vma.read ? PROT_READ : 0) | (vma.write ? PROT_WRITE : 0) | (vma.exec ? PROT_EXEC : 0);
  let madv = 0n;
  for (const f of vma.vmFlags) if (madvByFlag[f] !== undefined) madv |= 1n << BigInt(madvByFlag[f]!);
  // A droppable mapping is its own map type, mapped again as one (its wf, dd, nr flags come with it).
  const type = vma.shared ? MAP_SHARED : vma.vmFlags.includes('dp') ? MAP_DROPPABLE : MAP_PRIVATE;
  const flags = type | (vma.vmFlags.includes('gd') ? MAP_GROWSDOWN : 0) | (vma.vmFlags.includes('nr') ? MAP_NORESERVE : 0) | (vma.vmFlags.includes('lo') ? MAP_LOCKED : 0);
  const entry: VmaEntry = { start: vma.start, end: vma.end, pgoff: 0n, shmid: 0n, prot, flags, status: 0, fd: -1n, ...(madv ? { madv } : {}) };
  const anon = (status: number): VmaPlan => {
    entry.flags |= MAP_ANONYMOUS;
    entry.status = status | VMA.ANON_PRIVATE;
    return { vma, entry, pages: 'present', zeroSkippable: true };
  };
  switch (vma.name) {
    case '[vsyscall]':
      entry.flags |= MAP_ANONYMOUS;
      entry.status = VMA.AREA_VSYSCALL | VMA.ANON_PRIVATE;
      return { vma, entry, pages: 'none', zeroSkippable: false };
    case '[vvar]':
    case '[vvar_vclock]':
      // Kernel data pages: restore gets its own; their contents are never saved.
      entry.flags |= MAP_ANONYMOUS;
      entry.status = VMA.AREA_REGULAR | VMA.ANON_PRIVATE | VMA.AREA_VVAR;
      return { vma, entry, pages: 'none', zeroSkippable: false };
    case '[vdso]':
      return { ...anon(VMA.AREA_REGULAR | VMA.AREA_VDSO), zeroSkippable: false };
    case '[heap]':
      return anon(VMA.AREA_REGULAR | VMA.AREA_HEAP);
    case '[stack]':
    case '':
      if (vma.shared) throw unsupported(pid, vma, 'a shared mapping without an object');
      return anon(VMA.AREA_REGULAR);
    case '/dev/zero (deleted)':
      if (!vma.shared) break; // a private mapping of the /dev/zero file, dumped as such
      entry.flags |= MAP_ANONYMOUS;
      entry.status = VMA.AREA_REGULAR | VMA.ANON_SHARED;
      entry.shmid = BigInt(vma.inode);
      entry.pgoff = vma.offset;
      return { vma, entry, pages: 'shared', zeroSkippable: true };
  }
  if (vma.name.startsWith('[')) throw unsupported(pid, vma, `the special mapping ${vma.name}`);
  if (vma.name.startsWith('/SYSV')) throw unsupported(pid, vma, 'System V shared memory');
  const mapFile = `/proc/${pid}/map_files/${vma.start.toString(16)}-${vma.end.toString(16)}`;
  const fdflags = vma.shared && vma.write ? O_RDWR : 0;
  const memfd = vma.name.startsWith('/memfd:');
  entry.pgoff = vma.offset;
  if (fds) {
    const files = fds.files;
    const memfds = fds.stateOf(memfdKind);
    entry.shmid = BigInt(memfd
      ? memfds.fileEntry(files, `memfd-map:${vma.inode}:${fdflags}`, memfds.inodeOf(mapFile, vma.name), fdflags, 0n)
      : isUnlinkedPath(vma.name)
        ? fds.stateOf(regFile).regFile(files, `ghost-map:${vma.devMajor}:${vma.devMinor}:${vma.inode}:${fdflags}`, mapFile, vma.name, fdflags, 0n,
          (what) => unsupported(pid, vma, what))
        : files.pathFile(vma.name, fdflags, mapFile));
  }
  entry.fdflags = fdflags;
  entry.status = VMA.AREA_REGULAR | (vma.shared ? VMA.FILE_SHARED : VMA.FILE_PRIVATE) | (memfd ? VMA.AREA_MEMFD : 0);
  // Shared file pages live in the file; private ones only where the task wrote (COW).
  return { vma, entry, pages: vma.shared ? 'none' : 'cow', zeroSkippable: false };
}

/** Which pages of a VMA to save, as runs of [first page address, page count]. */
/**
 * The pages a shared memory object holds in the window pid maps, as [addr, count] runs of
 * that mapping: its data extents, not the pages present in the mapping (a page of the
 * object no task touched since a restore filled it is in none of their page tables).
 */
function objectRuns(pid: number, plan: VmaPlan): [number, number][] {
  const { start, end, offset } = plan.vma;
  const fd = fs.openSync(`/proc/${pid}/map_files/${start.toString(16)}-${end.toString(16)}`, 'r');
  try {
    return dataExtents(fd, offset + end - start, offset).map(([off, len]) => {
      const first = off - (off % BigInt(PAGE_SIZE));
      return [Number(start + first - offset), Number((off + len - first + BigInt(PAGE_SIZE) - 1n) / BigInt(PAGE_SIZE))];
    });
  } finally {
    fs.closeSync(fd);
  }
}

function pageRuns(pagemapFd: number, plan: VmaPlan): [number, number][] {
  const runs: [number, number][] = [];
  // Nothing resident or swapped (smaps says so): skip the pagemap walk, which matters for
  // huge reservations.
  if (plan.pages === 'none' || (plan.vma.rssKb === 0 && plan.vma.swapKb === 0)) return runs;
  const start = Number(plan.vma.start);
  const total = Number(plan.vma.end - plan.vma.start) / PAGE_SIZE;
  const chunk = 65536;
  const words = new Uint32Array(Math.min(total, chunk) * 2);
  const bits = Buffer.from(words.buffer);
  for (let first = 0; first < total; first += chunk) {
    const n = Math.min(chunk, total - first);
    const addr = start + first * PAGE_SIZE;
    const got = fs.readSync(pagemapFd, bits, 0, n * 8, (addr / PAGE_SIZE) * 8);
    if (got !== n * 8) throw new Error(`criu-ts: short pagemap read at 0x${addr.toString(16)}`);
    for (let i = 0; i < n; i++) {
      const hi = words[2 * i + HI_WORD]!;
      if (!(hi & (PM_PRESENT_HI | PM_SWAP_HI))) continue;
      if (plan.pages === 'cow' && hi & PM_FILE_HI) continue;
      const a = addr + i * PAGE_SIZE;
      const last = runs[runs.length - 1];
      if (last && last[0] + last[1] * PAGE_SIZE === a) last[1]++;
      else runs.push([a, 1]);
    }
  }
  return runs;
}

/**
 * A task criu-ts restored keeps the restorer's finish area (its last munmap and rt_sigreturn
 * run from there): anonymous, private, read+exec, starting with a copy of the blob's code. It
 * is not the program's; saved, every cycle of dump and restore would add one.
 */
function isRestorerLeftover(pid: number, v: Vma): boolean {
  const arch = hostArch();
  if (v.name !== '' || !v.exec || v.write || v.shared || v.end - v.start > 0x10000n || !arch.restorer) return false;
  let head: Buffer;
  try {
    head = readMemory(pid, Number(v.start), 32);
  } catch {
    return false;
  }
  return restorerBlob(arch).includes(head);
}

export interface MemoryDump {
  mm: MmEntry;
  stats: MemoryStats;
}

/** The VMAs of pid as smaps shows them, less the finish area an earlier restore left. */
function taskVmas(pid: number, log: Logger): Vma[] {
  return parseMaps(fs.readFileSync(`/proc/${pid}/smaps`, 'utf8')).filter((v) => {
    if (!isRestorerLeftover(pid, v)) return true;
    log.debug(`memory of ${pid}: ${v.start.toString(16)}-${v.end.toString(16)} is the finish area of an earlier restore, left out`);
    return false;
  });
}

/**
 * Writes pages-<pagesId>.img and pagemap-<pid>.img from the plans' private pages; shared
 * anonymous pages go to shmem (none without it). Pages the parent dumps hold unchanged are
 * recorded in-parent.
 */
function dumpPages(pid: number, dir: string, pagesId: number, plans: VmaPlan[], shmem: SharedAnonMemory | undefined,
  parent: ParentPages | undefined, log: Logger, writePagemap: (entries: EntriesOf<'pagemap'>) => void): MemoryStats {
  const pagemapFd = fs.openSync(`/proc/${pid}/pagemap`, 'r');
  let planned: [number, number, boolean][] = [];
  try {
    for (const p of plans) {
      if (p.pages === 'shared') {
        if (shmem) shmem.note(p.entry.shmid, pid, Number(p.vma.start), Number(p.vma.offset), objectRuns(pid, p));
        continue;
      }
      for (const [a, n] of pageRuns(pagemapFd, p)) planned.push([a, n, p.zeroSkippable]);
    }
  } finally {
    fs.closeSync(pagemapFd);
  }
  const total = planned.reduce((s, r) => s + r[1], 0);
  let batches = 0;
  const writer = new PageWriter(path.join(dir, `pages-${pagesId}.img`), () => {
    log.progress('memory', writer.stats.pagesScanned, total);
    if (++batches === 1) injectFault('dump-memory-mid');
  }, parent);
  try {
    for (const [a, n, z] of planned) writer.add({ pid }, a, n, z);
  } finally {
    writer.close();
  }
  planned = [];
  writePagemap([{ pages_id: pagesId }, ...writer.pagemap]);
  const st = writer.stats;
  log.debug(`memory of ${pid}: ${plans.length} VMAs, ${st.pagesWritten} of ${st.pagesScanned} pages written${parent ? `, ${st.pagesSkippedParent} unchanged since the parent dump` : ''}`);
  return st;
}

/** Pre-dump: only pid's private pages (pagemap and pages images), for a later dump to refer to. */
export function preDumpMemory(pid: number, dir: string, pagesId: number, parent: ParentPages | undefined, log: Logger,
  writePagemap: (entries: EntriesOf<'pagemap'>) => void): MemoryStats {
  const plans = taskVmas(pid, log).map((v) => planVma(pid, v, undefined));
  return dumpPages(pid, dir, pagesId, plans, undefined, parent, log, writePagemap);
}

/**
 * Dumps pid's memory: writes pagemap-<pid>.img and pages-<pagesId>.img, notes its shared
 * anonymous pages in shmem, and returns the mm entry.
 */
export function dumpMemory(pid: number, dir: string, pagesId: number, fds: FilesDump, shmem: SharedAnonMemory,
  brk: bigint, extra: Pick<MmEntry, 'dumpable' | 'thp_disabled'>, log: Logger, writePagemap: (entries: EntriesOf<'pagemap'>) => void,
  parent?: ParentPages): MemoryDump {
  const vmas = taskVmas(pid, log);
  const plans = vmas.map((v) => planVma(pid, v, fds));
  const stats = dumpPages(pid, dir, pagesId, plans, shmem, parent, log, writePagemap);
  const stat = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const auxv = auxvForImage(parseAuxv(fs.readFileSync(`/proc/${pid}/auxv`), hostLittleEndian), hostArch().savedAuxvWords);
  if (auxv.dropped) log.warn(`memory of ${pid}: ${auxv.dropped} auxv entries beyond the ${hostArch().savedAuxvWords} words an image holds are dropped`);
  const mm: MmEntry = {
    mm_start_code: stat.startCode, mm_end_code: stat.endCode, mm_start_data: stat.startData, mm_end_data: stat.endData,
    mm_start_stack: stat.startStack, mm_start_brk: stat.startBrk, mm_brk: brk,
    mm_arg_start: stat.argStart, mm_arg_end: stat.argEnd, mm_env_start: stat.envStart, mm_env_end: stat.envEnd,
    exe_file_id: fds.files.pathFile(fs.readlinkSync(`/proc/${pid}/exe`), 0, `/proc/${pid}/exe`),
    mm_saved_auxv: auxv.words,
    vmas: plans.map((p) => p.entry),
    ...extra,
  };
  return { mm, stats };
}
