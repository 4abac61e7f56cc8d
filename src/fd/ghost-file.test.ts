// A file unlinked while open here: dumped as a ghost (REG + remap-fpath + ghost-file
// image), restored to an unlinked inode with the same contents, mode, flags and offset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readImage } from '../images/index.js';
import { __O_TMPFILE, O_RDWR } from '../sys/fcntl.js';
import { linkFollow } from '../sys/proc-ops.js';
import { lseek } from '../sys/restore.js';
import { closeAll, dumpOwn, finishInto, type RoundTrip } from '../testing/own-fd.js';
import { regFile } from './reg-file.js';

const dirs: string[] = [];
const trips: RoundTrip[] = [];
afterEach(() => {
  for (const t of trips.splice(0)) closeAll(t.ctx);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-ghost-'));
  dirs.push(d);
  return d;
}

/** Dumps fd as a ghost and writes the images it made into dir. */
function dumpGhost(fd: number, dir: string): RoundTrip {
  const t = dumpOwn(fd, dir);
  trips.push(t);
  finishInto(t.dump, dir);
  return t;
}

describe('files unlinked but linked elsewhere', () => {
  it('are refused without linkRemap; with it a link_remap.N is made, and a failed dump takes it away', () => {
    const work = tmp();
    const file = path.join(work, 'data');
    fs.writeFileSync(file, 'kept');
    const fd = fs.openSync(file, 'r+');
    fs.linkSync(file, path.join(work, 'other'));
    fs.unlinkSync(file);
    expect(() => dumpOwn(fd, tmp())).toThrow(/a file unlinked but still linked elsewhere, without --link-remap/);
    const t = dumpOwn(fd, tmp(), { linkRemap: true });
    trips.push(t);
    const linked = path.join(work, 'link_remap.1');
    expect(fs.statSync(linked).ino).toBe(fs.fstatSync(fd).ino);
    t.dump.failed();
    expect(fs.existsSync(linked)).toBe(false);
    fs.closeSync(fd);
  });
});

describe('ghost files', () => {
  it('come back unlinked with contents, mode, flags and offset', () => {
    const work = tmp();
    const images = tmp();
    const file = path.join(work, 'data');
    const content = Buffer.from(Array.from({ length: 70000 }, (_, i) => i % 251));
    fs.writeFileSync(file, content, { mode: 0o640 });
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND);
    lseek(fd, 1234n);
    fs.unlinkSync(file);
    const t = dumpGhost(fd, images);
    fs.closeSync(fd);
    expect(t.dump.files.entries[0]!.reg!.name).toBe(file);
    expect(readImage(images, 'remap-fpath.img').entries).toEqual([{ orig_id: t.id, remap_id: 1, remap_type: 'GHOST' }]);

    const kind = regFile.restore!;
    kind.check(t.ctx.tree, t.id, t.ctx.options);
    const back = kind.open(t.ctx, t.id);
    const st = fs.fstatSync(back);
    expect([st.nlink, st.mode & 0o777, st.size]).toEqual([0, 0o640, content.length]);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`/proc/self/fdinfo/${back}`, 'utf8')).toMatch(/pos:\s+1234\n/);
    expect(parseInt(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${back}`, 'utf8'))![1]!, 8) & 0o2003).toBe(0o2002);
    const got = Buffer.alloc(content.length);
    fs.readSync(back, got, 0, got.length, 0);
    expect(got.equals(content)).toBe(true);
  });

  it('a removed directory comes back removed, with its mode, and nothing is left where it was', () => {
    const work = tmp();
    const gone = path.join(work, 'gone');
    fs.mkdirSync(gone, 0o710);
    const fd = fs.openSync(gone, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    fs.rmdirSync(gone);
    const t = dumpGhost(fd, tmp());
    fs.closeSync(fd);
    const back = regFile.restore!.open(t.ctx, t.id);
    const st = fs.fstatSync(back);
    expect([st.isDirectory(), st.nlink, st.mode & 0o777]).toEqual([true, 0, 0o710]);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it('an O_TMPFILE file comes back as one, which linkat can still name', () => {
    const work = tmp();
    const fd = fs.openSync(work, O_RDWR | __O_TMPFILE | fs.constants.O_DIRECTORY, 0o600);
    fs.writeSync(fd, 'tmp');
    const t = dumpGhost(fd, tmp());
    fs.closeSync(fd);
    const back = regFile.restore!.open(t.ctx, t.id);
    expect(fs.fstatSync(back).nlink).toBe(0);
    linkFollow(`/proc/self/fd/${back}`, path.join(work, 'named'));
    expect(fs.readFileSync(path.join(work, 'named'), 'utf8')).toBe('tmp');
  });

  it('is recreated beside its old name when a new file took that name', () => {
    const work = tmp();
    const images = tmp();
    const file = path.join(work, 'data');
    fs.writeFileSync(file, 'old');
    const fd = fs.openSync(file, 'r');
    fs.unlinkSync(file);
    const t = dumpGhost(fd, images);
    fs.closeSync(fd);
    fs.writeFileSync(file, 'new');
    const back = regFile.restore!.open(t.ctx, t.id);
    expect(fs.readFileSync(`/proc/self/fd/${back}`, 'utf8')).toBe('old');
    expect(fs.readdirSync(work)).toEqual(['data']);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
  });

  it('is refused when its directory is reached through a symlink planted by another user', () => {
    const work = tmp();
    const images = tmp();
    const victim = tmp();
    fs.mkdirSync(path.join(work, 'sub'));
    const file = path.join(work, 'sub', 'data');
    fs.writeFileSync(file, 'secret');
    const fd = fs.openSync(file, 'r');
    fs.unlinkSync(file);
    const t = dumpGhost(fd, images);
    fs.closeSync(fd);
    // Someone else swaps the directory for a link to where they want root to write.
    fs.rmdirSync(path.join(work, 'sub'));
    fs.symlinkSync(victim, path.join(work, 'sub'));
    fs.lchownSync(path.join(work, 'sub'), 4242, 4242);
    const kind = regFile.restore!;
    expect(() => kind.check(t.ctx.tree, t.id, t.ctx.options)).toThrow(/^criu-ts: deleted file \d+: path .*\/sub\/data: the symlink sub belongs to uid 4242, not to root or the tree's owner$/);
    expect(() => kind.open(t.ctx, t.id)).toThrow(/the symlink sub belongs to uid 4242/);
    expect(fs.readdirSync(victim)).toEqual([]);
  });
});
