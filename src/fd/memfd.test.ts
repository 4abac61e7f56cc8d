// A memfd of this process: dumped as CRIU does (MEMFD file, memfd.img inode, contents in
// pagemap-shmem + pages), then recreated with its name, size, contents, seals and offset;
// a second file on the same inode (a mapping's) shares the recreated memfd.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readImage } from '../images/index.js';
import { readTreeImages, type SharedMemoryPages } from '../restore/task-images.js';
import { F_ADD_SEALS, F_GET_SEALS, F_SEAL_FUTURE_WRITE, F_SEAL_SEAL } from '../sys/fcntl.js';
import { packageRoot } from '../sys/native.js';
import { fcntl, memfdCreate } from '../sys/proc-ops.js';
import { lseek } from '../sys/restore.js';
import { closeAll, dumpOwn, finishInto, type RoundTrip } from '../testing/own-fd.js';
import { hasLateSeals, memfd } from './memfd.js';
import { openContext } from './restore.js';

const memfdFile = memfd.restore!;

const F_SEAL_SHRINK = 2;
const F_SEAL_GROW = 4;
const MFD_ALLOW_SEALING = 2;

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

describe('memfd', () => {
  it('comes back with name, size, contents, seals and offset', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-memfd-'));
    const fd = memfdCreate('criu-ts-test', MFD_ALLOW_SEALING);
    const size = 3 * 4096 + 123;
    const content = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 256));
    fs.writeSync(fd, content);
    lseek(fd, 777n);
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);

    let t: RoundTrip | undefined;
    cleanup.push(() => {
      if (t) closeAll(t.ctx);
      t?.dump.close();
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true });
    });
    t = dumpOwn(fd, dir);
    finishInto(t.dump, dir);
    const shmem = new Map<bigint, SharedMemoryPages>();
    for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('pagemap-shmem-'))) {
      const [head, ...pagemap] = readImage(dir, f, 'pagemap-shmem').entries;
      shmem.set(BigInt(/(\d+)/.exec(f)![1]!), { pagesId: head!.pages_id, pagemap });
    }
    Object.assign(t.ctx.tree, { shmem });

    memfdFile.check(t.ctx.tree, t.id, t.ctx.options);
    const back = memfdFile.open(t.ctx, t.id);
    expect(fs.readlinkSync(`/proc/self/fd/${back}`)).toBe('/memfd:criu-ts-test (deleted)');
    expect(fs.fstatSync(back).size).toBe(size);
    expect(fcntl(back, F_GET_SEALS)).toBe(F_SEAL_SHRINK | F_SEAL_GROW);
    expect(fs.readFileSync(`/proc/self/fdinfo/${back}`, 'utf8')).toMatch(/pos:\s+777\n/);
    const got = Buffer.alloc(size);
    fs.readSync(back, got, 0, size, 0);
    expect(got.equals(content)).toBe(true);

    // Another open of the same inode (as for a mapping) reaches the same memory.
    const other = memfdFile.reopen!(t.ctx, t.id, fs.constants.O_RDWR);
    fs.writeSync(other, 'shared', 100);
    const seen = Buffer.alloc(6);
    fs.readSync(back, seen, 0, 6, 100);
    expect(seen.toString()).toBe('shared');
  });
});

describe('a memfd sealed with F_SEAL_FUTURE_WRITE', () => {
  it('gets that seal (and F_SEAL_SEAL) only as a late step, so the tasks can map it writable first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-memfd-'));
    const fd = memfdCreate('criu-ts-sealed', MFD_ALLOW_SEALING);
    fs.writeSync(fd, 'data');
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_FUTURE_WRITE | F_SEAL_SEAL);
    const t = dumpOwn(fd, dir);
    cleanup.push(() => {
      for (const s of t.ctx.lateSteps.splice(0)) s.close();
      closeAll(t.ctx);
      t.dump.close();
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true });
    });
    finishInto(t.dump, dir);
    Object.assign(t.ctx.tree, { shmem: new Map(), dir });
    expect(hasLateSeals(t.ctx.tree)).toBe(true);
    const back = memfdFile.open(t.ctx, t.id);
    expect(fcntl(back, F_GET_SEALS)).toBe(F_SEAL_SHRINK);
    expect(t.ctx.lateSteps).toHaveLength(1);
    t.ctx.lateSteps[0]!.run();
    expect(fcntl(back, F_GET_SEALS)).toBe(F_SEAL_SHRINK | F_SEAL_FUTURE_WRITE | F_SEAL_SEAL);
  });
});

describe('a memfd CRIU 4.2 dumped (fixtures/criu-4.2/zoo)', () => {
  const zoo = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'zoo', 'img');

  it.skipIf(!fs.existsSync(zoo))('comes back with its name, size, contents and offset', () => {
    const tree = readTreeImages(zoo);
    const ctx = openContext(tree, { shellJob: false });
    cleanup.push(() => ctx.opened.forEach((fd) => fs.closeSync(fd)));
    // zoo.c: memfd_create("zoo-memfd"), ftruncate 8192, write "memfd".
    const id = [...tree.files.values()].find((e) => e.type === 'MEMFD' && e.memfd?.pos === 5n)!.id;
    const fd = memfdFile.open(ctx, id);
    expect(fs.readlinkSync(`/proc/self/fd/${fd}`)).toBe('/memfd:zoo-memfd (deleted)');
    expect(fs.fstatSync(fd).size).toBe(8192);
    expect(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')).toMatch(/pos:\s+5\n/);
    const head = Buffer.alloc(5);
    fs.readSync(fd, head, 0, 5, 0);
    expect(head.toString()).toBe('memfd');
  });
});
