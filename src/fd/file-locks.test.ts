// File locks: fdinfo "lock:" lines parsed as CRIU records them, and flock/OFD locks taken
// on a restored file so that another open file of the same inode conflicts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeImage } from '../images/index.js';
import type { TaskImages, TreeImages } from '../restore/task-images.js';
import { flock, setRecordLock } from '../sys/anon-fd.js';
import { F_OFD_SETLK, LOCK_EX, LOCK_NB } from '../sys/fcntl.js';
import { checkFileLocks, FileLocks, FL_FLOCK, FL_OFD, FL_POSIX, parseLockLine, posixLocks, takeFileLocks } from './file-locks.js';

describe('parseLockLine', () => {
  it('reads the kind, type, owner and range', () => {
    expect(parseLockLine(' 1: POSIX  ADVISORY  WRITE 5220 fe:00:2228826 0 99')).toEqual({ flag: FL_POSIX, type: 1, pid: 5220, start: 0n, len: 100n });
    expect(parseLockLine('2: OFDLCK ADVISORY  READ -1 fe:00:1 10 29')).toEqual({ flag: FL_OFD, type: 0, pid: -1, start: 10n, len: 20n });
    expect(parseLockLine('1: FLOCK  ADVISORY  WRITE 7 fe:00:1 0 EOF')).toMatchObject({ flag: FL_FLOCK, len: 0n });
    expect(() => parseLockLine('1: LEASE  ACTIVE    READ 7 fe:00:1 0 EOF')).toThrow(/not supported/);
  });
});

describe('file locks', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-locks-'));
  const file = path.join(work, 'f');
  fs.writeFileSync(file, 'x'.repeat(100));

  it('are collected once per open file, and refused without --file-locks', () => {
    const fd = fs.openSync(file, 'r+');
    const dup = fs.openSync(`/proc/self/fd/${fd}`, 'r+'); // another open file: no lock
    try {
      flock(fd, LOCK_EX | LOCK_NB);
      const fds = [{ id: 1, fd }, { id: 1, fd }, { id: 2, fd: dup }];
      const locks = new FileLocks(true);
      locks.collect(process.pid, fds);
      expect(locks.entries).toEqual([{ flag: FL_FLOCK, type: 1, pid: process.pid, fd, start: 0n, len: 0n }]);
      expect(() => new FileLocks(false).collect(process.pid, fds)).toThrow(/--file-locks/);
    } finally {
      fs.closeSync(fd);
      fs.closeSync(dup);
    }
  });

  it('are taken again on the restored open files (flock, OFD); POSIX ones are left to the task', () => {
    const images = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-locks-img-'));
    writeImage(images, 'filelocks.img', 'filelocks', [
      { flag: FL_FLOCK, type: 1, pid: 42, fd: 3, start: 0n, len: 0n },
      { flag: FL_OFD, type: 1, pid: 42, fd: 4, start: 10n, len: 20n },
    ]);
    const tree = { dir: images } as TreeImages;
    const task = { pid: 42, fds: [{ fd: 3 }, { fd: 4 }] } as TaskImages;
    const [a, b, other] = [fs.openSync(file, 'r+'), fs.openSync(file, 'r+'), fs.openSync(file, 'r+')];
    try {
      takeFileLocks(tree, task, [{ fd: 3, source: a, cloexec: false }, { fd: 4, source: b, cloexec: false }]);
      expect(() => flock(other, LOCK_EX | LOCK_NB)).toThrow(/EWOULDBLOCK|EAGAIN/);
      expect(() => setRecordLock(other, F_OFD_SETLK, 1, 15n, 1n)).toThrow(/EAGAIN|EACCES/);
      setRecordLock(other, F_OFD_SETLK, 1, 30n, 1n); // just past the restored range
    } finally {
      [a, b, other].forEach((fd) => fs.closeSync(fd));
    }
    const posix = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-locks-img-'));
    writeImage(posix, 'filelocks.img', 'filelocks', [{ flag: FL_POSIX, type: 1, pid: 42, fd: 3, start: 0n, len: 0n }]);
    expect(() => checkFileLocks({ dir: posix } as TreeImages, task)).not.toThrow();
    expect(posixLocks({ dir: posix } as TreeImages, task)).toEqual([{ fd: 3, type: 1, start: 0n, len: 0n }]); // for the restorer blob
    fs.rmSync(images, { recursive: true });
    fs.rmSync(posix, { recursive: true });
  });
});
