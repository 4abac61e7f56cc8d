// dump -> restore of live programs (zdtm/e2e/*.c): what a restored process keeps.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dump } from '../dump/index.js';
import { restore } from '../restore/index.js';
import { alive, checkpoint, checkpointRestore, lines, moreLines, start, stop, until, type Program } from '../demo/programs.js';

const isRoot = process.getuid?.() === 0;
const hasAvx2 = fs.readFileSync('/proc/cpuinfo', 'utf8').includes(' avx2');

describe.runIf(isRoot)('checkpoint and restore of a live program', () => {
  let p: Program | undefined;
  afterEach(() => {
    if (p) stop(p);
    p = undefined;
  });

  it('goes on counting from where it stopped', async () => {
    p = await start('counter');
    fs.writeFileSync(`/proc/${p.pid}/oom_score_adj`, '123');
    const before = await moreLines(p, 20);
    await checkpointRestore(p);
    expect(fs.readFileSync(`/proc/${p.pid}/oom_score_adj`, 'utf8').trim()).toBe('123');
    const after = await moreLines(p, before.length + 20);
    const n = after.map(Number);
    n.forEach((v, i) => expect(v).toBe(i)); // no gap, no restart: one count 0..N
    expect(alive(p.pid)).toBe(true);
  });

  it('refuses a listener with a connection not yet accepted, running on, and drops it with skipInFlight', async () => {
    const q = (p = await start('inflight'));
    await moreLines(q, 5);
    await expect(dump({ pid: q.pid, imagesDir: q.images, tcpEstablished: true, networkLock: 'skip' }))
      .rejects.toThrow(/TCP listener with 1 connection\(s\) not yet accepted.*--skip-in-flight/);
    await moreLines(q, lines(q).length + 5); // the failed dump left it running
    expect(fs.existsSync(`${q.images}/inventory.img`)).toBe(false); // and no image set a restore would take
    await dump({ pid: q.pid, imagesDir: q.images, tcpEstablished: true, skipInFlight: true, networkLock: 'skip' });
    await until(`pid ${q.pid} to be free`, () => !fs.existsSync(`/proc/${q.pid}`));
    expect((await restore({ imagesDir: q.images, detached: true, networkLock: 'skip' })).pid).toBe(q.pid);
    const after = await moreLines(q, lines(q).length + 5);
    expect(after.filter((l) => l.startsWith('BAD'))).toEqual([]);
    after.map(Number).forEach((v, i) => expect(v).toBe(i));
  });

  it('refuses a file owned (F_SETOWN) by a process outside the tree, running on', async () => {
    const q = (p = await start('foreign-owner'));
    await moreLines(q, 5);
    await expect(dump({ pid: q.pid, imagesDir: q.images })).rejects.toThrow(/owned \(F_SETOWN\) by process \d+, which is no dumped task holding it/);
    await moreLines(q, lines(q).length + 5);
    expect(lines(q).filter((l) => l.startsWith('BAD'))).toEqual([]);
    expect(fs.existsSync(`${q.images}/inventory.img`)).toBe(false);
  });

  it('puts the bytes queued in a pty pair back when a dump fails after reading them', async () => {
    const q = (p = await start('pty'));
    process.env['CRIU_TS_FAULT'] = 'dump-images-written';
    try {
      await expect(dump({ pid: q.pid, imagesDir: q.images })).rejects.toThrow(/injected fault at dump-images-written/);
    } finally {
      delete process.env['CRIU_TS_FAULT'];
    }
    expect(alive(q.pid)).toBe(true);
    fs.writeFileSync(`${q.out}.go`, '');
    expect(await until('the verdict', () => lines(q).length > 0 && lines(q))).toEqual(['PASS']);
  });

  it('keeps the bytes queued in a pty pair across checkpoint and restore', async () => {
    p = await start('pty');
    await checkpointRestore(p);
    fs.writeFileSync(`${p.out}.go`, '');
    expect(await until('the verdict', () => lines(p!).length > 0 && lines(p!))).toEqual(['PASS']);
  });

  it('refuses a pty master whose slave is not open in the tree, running on', async () => {
    const q = (p = await start('pty', ['-DMASTER_ONLY']));
    await expect(dump({ pid: q.pid, imagesDir: q.images })).rejects.toThrow(/pseudo-terminal master whose slave \(\/dev\/pts\/\d+\) is not open in the tree/);
    expect(alive(q.pid)).toBe(true);
    expect(fs.existsSync(`${q.images}/inventory.img`)).toBe(false);
  });

  it('keeps 64 MiB of data intact', async () => {
    p = await start('bigmem');
    const before = await moreLines(p, 1);
    const sum = before[0]!.split(' ')[2];
    await checkpointRestore(p);
    const after = await moreLines(p, before.length + 2);
    for (const l of after) expect(l).toMatch(new RegExp(`^ok \\d+ ${sum}$`));
    expect(Number(after[after.length - 1]!.split(' ')[1])).toBe(after.length - 1); // rounds went on
  });

  it('refuses 64 MiB whose pages changed since the dump, checked while the tree is built: no task is left', async () => {
    const q = (p = await start('bigmem'));
    const before = await moreLines(q, 1);
    await checkpoint(q);
    const pages = fs.readdirSync(q.images).filter((f) => /^pages-\d+\.img$/.test(f));
    const biggest = pages.map((f) => path.join(q.images, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0]!;
    const size = fs.statSync(biggest).size;
    expect(size).toBeGreaterThanOrEqual(64 << 20);
    const fd = fs.openSync(biggest, 'r+');
    const at = size - 4096 * 3;
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, at);
    fs.writeSync(fd, Buffer.of(byte[0]! ^ 0xff), 0, 1, at);
    await expect(restore({ imagesDir: q.images, detached: true })).rejects.toThrow(/^pages-\d+\.img: offset \d+: pages of pagemap-\d+\.img entry \d+ .* do not match their checksum/);
    expect(alive(q.pid)).toBe(false);
    await until(`pid ${q.pid} to be free`, () => !fs.existsSync(`/proc/${q.pid}`));
    fs.writeSync(fd, byte, 0, 1, at);
    fs.closeSync(fd);
    expect((await restore({ imagesDir: q.images, detached: true })).pid).toBe(q.pid);
    await moreLines(q, before.length + 2);
  });

  it("restores a program on a console another process holds: --external tty[...] to dump, --inherit-fd to restore", async () => {
    const q = (p = await start('console'));
    const runtime = Number(fs.readFileSync(`${q.out}.runtime`, 'utf8'));
    const answers = (from = 0) => lines(q).slice(from).map((l) => /got line \d+ ctty=(yes|no)/.exec(l)?.[1]).filter(Boolean);
    let slave = -1;
    try {
      await until('answers on the console', () => answers().length >= 3);
      expect(new Set(answers())).toEqual(new Set(['yes']));
      const pts = fs.readFileSync(`${q.out}.pts`, 'utf8');
      const st = fs.statSync(pts);
      const key = `tty[${st.rdev.toString(16)}:${st.dev.toString(16)}]`;
      await expect(dump({ pid: q.pid, imagesDir: q.images })).rejects.toThrow(/master is outside the tree .*--external tty\[RDEV:DEV\]/);
      expect(alive(q.pid)).toBe(true);
      slave = fs.openSync(pts, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      await dump({ pid: q.pid, imagesDir: q.images, external: [key] });
      await until(`pid ${q.pid} to be free`, () => !fs.existsSync(`/proc/${q.pid}`));
      await expect(restore({ imagesDir: q.images, detached: true })).rejects.toThrow(`hand it in with --inherit-fd fd[N]:${key}`);
      const seen = lines(q).length;
      expect((await restore({ imagesDir: q.images, detached: true, inheritFds: [{ key, fd: slave }] })).pid).toBe(q.pid);
      await until('answers after the restore', () => answers(seen).length >= 3);
      expect(new Set(answers(seen))).toEqual(new Set(['yes']));
    } finally {
      if (slave >= 0) fs.closeSync(slave);
      process.kill(runtime, 'SIGKILL');
    }
  });

  it('keeps a file open at its offset and a pipe with unread data', async () => {
    p = await start('files');
    await checkpointRestore(p);
    fs.writeFileSync(`${p.out}.go`, '');
    const out = await until('the verdict', () => lines(p!).length > 0 && lines(p!));
    expect(out).toEqual(['PASS']);
  });

  it('refuses to restore onto a file that changed since the dump, and restores once it is back as it was', async () => {
    const q = (p = await start('files'));
    await checkpoint(q);
    fs.appendFileSync(`${q.out}.data`, '!');
    await expect(restore({ imagesDir: q.images, detached: true })).rejects.toThrow(/file \S+\.data has size 12, not 11: it is not the file that was dumped/);
    expect(alive(q.pid)).toBe(false);
    fs.truncateSync(`${q.out}.data`, 11);
    expect((await restore({ imagesDir: q.images, detached: true })).pid).toBe(q.pid);
    fs.writeFileSync(`${q.out}.go`, '');
    expect(await until('the verdict', () => lines(q).length > 0 && lines(q))).toEqual(['PASS']);
  });

  it('when not detached, waits for the restored program and returns its exit code', async () => {
    p = await start('files');
    await checkpoint(p);
    const done = restore({ imagesDir: p.images });
    await until('the restored task', () => alive(p!.pid));
    fs.writeFileSync(`${p.out}.go`, '');
    const r = await done;
    expect(r.pid).toBe(p.pid);
    expect(r.exitCode).toBe(0);
    expect(lines(p)).toEqual(['PASS']);
    expect(fs.existsSync(`/proc/${p.pid}`)).toBe(false); // reaped by restore(), no zombie left
  });

  it('still runs its signal handler', async () => {
    p = await start('signal');
    process.kill(p.pid, 'SIGUSR1');
    await moreLines(p, 0);
    await checkpointRestore(p);
    process.kill(p.pid, 'SIGUSR1');
    expect(await moreLines(p, 1)).toEqual(['got 1', 'got 2']);
  });

  it.runIf(hasAvx2)('keeps the AVX registers of a busy loop', async () => {
    p = await start('avx');
    const before = await moreLines(p, 3);
    await checkpointRestore(p);
    const after = await moreLines(p, before.length + 3);
    for (const l of after) expect(l).toMatch(/^ok \d+$/);
    const counts = after.map((l) => Number(l.split(' ')[1]));
    counts.slice(1).forEach((c, i) => expect(c).toBeGreaterThan(counts[i]!));
  });

  it('brings back every thread with its TID, name and thread-local state', async () => {
    p = await start('threads', ['-pthread']);
    const before = await moreLines(p, 5);
    const tasks = (): string[] => fs.readdirSync(`/proc/${p!.pid}/task`).sort();
    const names = (): string[] => tasks().map((t) => fs.readFileSync(`/proc/${p!.pid}/task/${t}/comm`, 'utf8').trim());
    const [tidsBefore, namesBefore] = [tasks(), names()];
    expect(namesBefore).toContain('worker-1');
    await checkpointRestore(p);
    expect(tasks()).toEqual(tidsBefore);
    expect(names()).toEqual(namesBefore);
    const after = await moreLines(p, before.length + 5);
    const counts = (line: string): number[] => line.trim().split(' ').map((w) => Number(w.split(':')[1]));
    const last = counts(before[before.length - 1]!);
    const now = counts(after[after.length - 1]!);
    now.forEach((c, i) => expect(c).toBeGreaterThan(last[i]!)); // each worker counts on from its own TLS
  });

  it('reads the clocks through the vDSO across the restore', async () => {
    p = await start('vdso');
    const before = await moreLines(p, 10);
    const vdsoBefore = /^(\S+) .*\[vdso\]$/m.exec(fs.readFileSync(`/proc/${p.pid}/maps`, 'utf8'))![1];
    await checkpointRestore(p);
    const after = await moreLines(p, before.length + 10);
    after.forEach((l, i) => expect(l).toMatch(new RegExp(`^ok ${i} \\d+$`)));
    expect(/^(\S+) .*\[vdso\]$/m.exec(fs.readFileSync(`/proc/${p.pid}/maps`, 'utf8'))![1]).toBe(vdsoBefore);
  });
});
