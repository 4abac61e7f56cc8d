import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PE_PARENT, PE_PRESENT } from '../images/format.js';
import { writeImage } from '../images/index.js';
import type { FsEntry, MmEntry, PagemapEntry, TaskKobjIdsEntry, VmaEntry } from '../images/entries.js';
import type { Vma } from '../proc/maps.js';
import { planMemory, planSpecialMoves, type MemoryPlan } from './memory.js';
import type { TaskImages, TreeImages } from './task-images.js';

const PAGE = 0x1000n;
const anon = (start: bigint, end: bigint, status = (1 << 0) | (1 << 9), prot = 3): VmaEntry => ({ start, end, pgoff: 0n, shmid: 0n, prot, flags: 0x22, status, fd: -1n });

function task(vmas: VmaEntry[], pagemap: Partial<PagemapEntry>[]): TaskImages {
  return {
    pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1], cores: [], ids: {} as TaskKobjIdsEntry, mm: { vmas } as MmEntry,
    pagesId: 1, pagemap: pagemap as PagemapEntry[], fs: {} as FsEntry, fds: [],
  };
}
const tree = { files: new Map() } as unknown as TreeImages;

describe('memory plan', () => {
  it('splits a pagemap run over adjacent VMAs, skips the vDSO and keeps file offsets', () => {
    const plan = planMemory(
      task(
        [anon(0x10000n, 0x12000n, (1 << 0) | (1 << 9), 1), anon(0x12000n, 0x14000n), anon(0x20000n, 0x22000n, (1 << 0) | (1 << 3) | (1 << 9), 5)],
        [
          { vaddr: 0x11000n, nr_pages: 2n, flags: 4 },
          { vaddr: 0x13000n, nr_pages: 1n, flags: 1 << 1 }, // lazy without PE_PRESENT: a hole, no bytes in the file
          { vaddr: 0x20000n, nr_pages: 2n, flags: 4 }, // vDSO pages: in the file, never written
          { vaddr: 0x13000n, nr_pages: 1n, flags: 6 },
        ],
      ),
      tree,
    );
    expect(plan.runs).toEqual([
      { vaddr: 0x11000n, len: PAGE, off: 0n, layer: 0 },
      { vaddr: 0x12000n, len: PAGE, off: PAGE, layer: 0 },
      { vaddr: 0x13000n, len: PAGE, off: 4n * PAGE, layer: 0 },
    ]);
    expect(plan.vmas.map((v) => [v.prot, v.mapProt])).toEqual([[1, 3], [3, 3]]); // written while writable
    expect(plan.vdso).toEqual([{ start: 0x20000n, end: 0x22000n }]);
    expect(plan.pagesRestored).toBe(3);
  });

  it('takes PE_PARENT pages from the chain of parent dumps, nearest layer first', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-chain-'));
    try {
      const dump = (name: string, parent: string | undefined, entries: Partial<PagemapEntry>[]): string => {
        const dir = path.join(root, name);
        fs.mkdirSync(dir);
        if (parent) fs.symlinkSync(`../${parent}`, path.join(dir, 'parent'));
        writeImage(dir, 'pagemap-1.img', 'pagemap', [{ pages_id: 1 }, ...entries] as PagemapEntry[]);
        return dir;
      };
      dump('pre1', undefined, [{ vaddr: 0x10000n, compat_nr_pages: 0, nr_pages: 2n, flags: PE_PRESENT }]);
      dump('pre2', 'pre1', [{ vaddr: 0x10000n, compat_nr_pages: 0, nr_pages: 1n, flags: PE_PARENT }, { vaddr: 0x11000n, compat_nr_pages: 0, nr_pages: 1n, flags: PE_PRESENT }]);
      const last = dump('last', 'pre2', []);
      const vmas = [anon(0x10000n, 0x14000n)];
      const entries: Partial<PagemapEntry>[] = [{ vaddr: 0x10000n, compat_nr_pages: 0, nr_pages: 2n, flags: PE_PARENT }, { vaddr: 0x12000n, compat_nr_pages: 0, nr_pages: 1n, flags: PE_PRESENT }];
      const plan = planMemory(task(vmas, entries), { ...tree, dir: last } as TreeImages);
      expect(plan.runs).toEqual([
        { vaddr: 0x10000n, len: PAGE, off: 0n, layer: 2 },
        { vaddr: 0x11000n, len: PAGE, off: 0n, layer: 1 },
        { vaddr: 0x12000n, len: PAGE, off: 0n, layer: 0 },
      ]);
      expect(plan.parentPages).toEqual([path.join(root, 'pre2', 'pages-1.img'), path.join(root, 'pre1', 'pages-1.img')]);
      expect(plan.pagesRestored).toBe(3);
      // A page the parents never had, and a parent entry without any parent.
      const missing = [{ vaddr: 0x13000n, compat_nr_pages: 0, nr_pages: 1n, flags: PE_PARENT }];
      expect(() => planMemory(task(vmas, missing), { ...tree, dir: last } as TreeImages)).toThrow(/0x13000-0x14000 marked in a parent dump to be in its chain of 2/);
      expect(() => planMemory(task(vmas, missing), { ...tree, dir: path.join(root, 'pre1') } as TreeImages)).toThrow(/there is none/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses pages that lie in no VMA and mappings it cannot restore', () => {
    expect(() => planMemory(task([anon(0x10000n, 0x11000n)], [{ vaddr: 0x30000n, nr_pages: 1n, flags: 4 }]), tree)).toThrow(/lie in a VMA/);
    expect(() => planMemory(task([anon(0x10000n, 0x11000n, (1 << 0) | (1 << 8) | (1 << 10))], []), tree)).toThrow(/SysV shared memory/);
  });

  it('maps shared anonymous memory from its object, not as fresh anonymous memory', () => {
    const shared = { ...anon(0x10000n, 0x12000n, (1 << 0) | (1 << 8)), flags: 0x21, shmid: 77n, pgoff: 0x1000n };
    const [v] = planMemory(task([shared], []), tree).vmas;
    expect(v!.shmem).toBe(77n);
    expect(v!.flags).toBe(0x1); // MAP_SHARED without MAP_ANONYMOUS: the fd is used
    expect(v!.pgoff).toBe(0x1000n);
  });

  it('moves our vDSO and vvar by one delta, highest first when moving up', () => {
    const ours = (name: string, start: bigint, end: bigint): Vma => ({ name, start, end } as Vma);
    const cur = [ours('[vvar]', 0x1000000n, 0x1004000n), ours('[vvar_vclock]', 0x1004000n, 0x1006000n), ours('[vdso]', 0x1006000n, 0x1008000n)];
    const plan = { vdso: [{ start: 0x2006000n, end: 0x2008000n }], vvar: [{ start: 0x2000000n, end: 0x2006000n }] } as MemoryPlan;
    const { moves, keep } = planSpecialMoves(plan, cur);
    expect(moves.map((m) => m.to)).toEqual([0x2006000n, 0x2004000n, 0x2000000n]);
    expect(keep).toHaveLength(3);
    const shifted = { ...plan, vvar: [{ start: 0x2001000n, end: 0x2006000n }] } as MemoryPlan;
    expect(() => planSpecialMoves(shifted, cur)).toThrow(/vvar pages here/);
    const bigger = { ...plan, vdso: [{ start: 0x2006000n, end: 0x2009000n }] } as MemoryPlan;
    expect(() => planSpecialMoves(bigger, cur)).toThrow(/vDSO here/);
  });
});
