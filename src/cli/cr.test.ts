// dump -> restore through the executable, with the options a criu harness passes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, moreLines, start, stop, until, type Program } from '../demo/programs.js';
import { packageRoot } from '../sys/native.js';

const main = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const isRoot = process.getuid?.() === 0;

function cli(cwd: string, ...argv: string[]) {
  const r = spawnSync(process.execPath, [main, ...argv], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(isRoot)('criu-ts dump and restore', () => {
  let p: Program | undefined;
  afterEach(() => {
    if (p) stop(p);
    p = undefined;
  });

  async function dumpAndWaitGone(prog: Program, ...extra: string[]) {
    const d = cli(prog.dir, 'dump', '-t', String(prog.pid), '-D', 'img', '-o', 'dump.log', '-v4', ...extra);
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    await until(`pid ${prog.pid} to be free`, () => !fs.existsSync(`/proc/${prog.pid}`));
    return d;
  }

  it('checkpoints and restores detached, writing log, stats and pidfile', async () => {
    p = await start('counter');
    const before = await moreLines(p, 10);
    const d = await dumpAndWaitGone(p, '--display-stats', '--manage-cgroups=ignore');
    expect(d.stdout).toMatch(/^Displaying dump stats:\nFreezing time: \d+ us\nDump time: \d+ us\nMemory pages scanned: \d+ \(0x[0-9a-f]+\)\nMemory pages skipped from parent: 0 \(0x0\)\nMemory pages written: [1-9]\d* /);
    expect(fs.readFileSync(path.join(p.images, 'dump.log'), 'utf8')).toMatch(/^\(\d\d\.\d{6}\) Info: frozen 1 task/m);
    expect(fs.statSync(path.join(p.images, 'dump.log')).mode & 0o777).toBe(0o600);

    const r = cli(p.dir, 'restore', '-D', 'img', '-d', '--pidfile', 'restored.pid', '-o', 'restore.log', '-v4');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(p.images, 'restored.pid'), 'utf8').trim()).toBe(String(p.pid));
    expect(fs.existsSync(path.join(p.images, 'restore.log'))).toBe(true);
    const after = await moreLines(p, before.length + 10);
    after.forEach((line, i) => expect(Number(line)).toBe(i));
    expect(alive(p.pid)).toBe(true);
  });

  it('pre-dumps, dumps with --prev-images-dir, and restores through the parent', async () => {
    p = await start('counter');
    await moreLines(p, 5);
    const pre = cli(p.dir, 'pre-dump', '-t', String(p.pid), '-D', 'pre', '-o', 'pre.log', '--track-mem', '--display-stats');
    expect(pre).toMatchObject({ status: 0, stderr: '' });
    expect(pre.stdout).toMatch(/Memory pages skipped from parent: 0 \(0x0\)\nMemory pages written: [1-9]/);
    expect(alive(p.pid)).toBe(true);
    const dumped = await moreLines(p, (await moreLines(p, 0)).length + 2);
    const d = await dumpAndWaitGone(p, '--prev-images-dir', '../pre', '--display-stats');
    expect(d.stdout).toMatch(/Memory pages skipped from parent: [1-9]/);
    expect(fs.readlinkSync(path.join(p.images, 'parent'))).toBe('../pre');
    expect(cli(p.dir, 'restore', '-D', 'img', '-d')).toMatchObject({ status: 0, stderr: '' });
    const after = await moreLines(p, dumped.length + 5);
    after.forEach((line, i) => expect(Number(line)).toBe(i));
  });

  it('restore without -d waits and exits with the status of the restored root', async () => {
    p = await start('counter');
    await moreLines(p, 5);
    await dumpAndWaitGone(p);
    const dumped = (await moreLines(p, 0)).length;
    const restore = spawn(process.execPath, [main, 'restore', '-D', 'img'], { cwd: p.dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => restore.on('exit', (code) => resolve(code)));
    // New lines come only from the counter running on, after the restore has finished; killing it
    // earlier is a restore that failed, which exits 1.
    await moreLines(p, dumped + 1);
    process.kill(p.pid, 'SIGKILL');
    expect(await exited).toBe(128 + 9);
  });

  it('creates a missing images directory 0700 (the log in it too) and warns about a loose one', async () => {
    p = await start('counter');
    const d = cli(p.dir, 'dump', '-t', String(p.pid), '-D', 'fresh', '-o', 'dump.log', '-R');
    expect(d).toMatchObject({ status: 0, stderr: '' });
    expect(fs.statSync(path.join(p.dir, 'fresh')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(p.dir, 'fresh', 'dump.log')).mode & 0o777).toBe(0o600);
    fs.mkdirSync(path.join(p.dir, 'loose'), 0o755);
    fs.chmodSync(path.join(p.dir, 'loose'), 0o755);
    const loose = cli(p.dir, 'dump', '-t', String(p.pid), '-D', 'loose', '-R');
    expect(loose.status).toBe(0);
    expect(loose.stderr).toMatch(/Warn: images directory .*loose is readable by group and other \(mode 0755\)/);
    expect(alive(p.pid)).toBe(true);
  });

  it('verifies the images (restore --verify) and refuses a changed page, starting nothing', async () => {
    p = await start('counter');
    await moreLines(p, 5);
    await dumpAndWaitGone(p);
    const ok = cli(p.dir, 'restore', '-D', 'img', '--verify');
    expect(ok).toMatchObject({ status: 0, stderr: '' });
    expect(ok.stdout).toMatch(/: \d+ image files and [1-9]\d* pages in \d+ pagemap entries match checksums\.img\n$/);
    const pages = path.join(p.images, 'pages-1.img');
    const fd = fs.openSync(pages, 'r+');
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, 4096 + 17);
    byte[0] ^= 0xff;
    fs.writeSync(fd, byte, 0, 1, 4096 + 17);
    fs.closeSync(fd);
    for (const extra of [['--verify'], ['-d']]) {
      const bad = cli(p.dir, 'restore', '-D', 'img', ...extra);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^Error \(criu-ts\): pages-1\.img: offset \d+: pages of pagemap-\d+\.img entry \d+ \(vaddr 0x[0-9a-f]+, \d+ pages\) do not match their checksum in checksums\.img\n$/);
      expect(alive(p.pid)).toBe(false);
    }
  });

  it('fails a dump of a missing task in one line and leaves nothing behind', async () => {
    p = await start('counter');
    const gone = cli(p.dir, 'dump', '-t', '999999', '-D', 'img');
    expect(gone.status).toBe(1);
    expect(gone.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(gone.stderr).toMatch(/^Error \(criu-ts\): /);
    expect(alive(p.pid)).toBe(true);
  });
});
