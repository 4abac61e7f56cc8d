// File locks held through the dumped fds (fdinfo "lock:" lines): flock, OFD and POSIX
// locks, one file_lock_entry each (filelocks.img). A lock seen through several fds of one
// open file (dup, fork) is recorded once. Without --file-locks a held lock fails the dump,
// as CRIU does: restoring without it would silently drop the lock.
// At restore, flock and OFD locks belong to the open file, so they are taken again here on
// the task's files before these move into it; POSIX locks belong to the process, so the
// restorer blob takes them in the new task (posixLocks).
import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from '../images/index.js';
import type { FdinfoEntry, FileLockEntry } from '../images/entries.js';
import { flock, setRecordLock } from '../sys/anon-fd.js';
import { F_OFD_SETLK, F_RDLCK, F_WRLCK, LOCK_EX, LOCK_NB, LOCK_SH } from '../sys/fcntl.js';
import type { TaskImages, TreeImages } from '../restore/task-images.js';
import type { TaskFd } from './restore.js';

// file_lock_entry.flag: CRIU's kinds (its FL_OFD is 4, not the kernel's FL_OFDLCK 1024).
export const FL_POSIX = 1;
export const FL_FLOCK = 2;
export const FL_OFD = 4;

const FLAGS: Record<string, number> = { POSIX: FL_POSIX, FLOCK: FL_FLOCK, OFDLCK: FL_OFD };

/** Parses one fdinfo "lock:" value: "1: POSIX  ADVISORY  WRITE 5220 fe:00:2228826 0 99". */
export function parseLockLine(line: string): { flag: number; type: number; pid: number; start: bigint; len: bigint } {
  const f = line.trim().split(/\s+/);
  const flag = FLAGS[f[1] ?? ''];
  const type = f[3] === 'WRITE' ? F_WRLCK : f[3] === 'READ' ? F_RDLCK : undefined;
  if (flag === undefined || f[2] !== 'ADVISORY' || type === undefined || f.length < 8) {
    throw new Error(`criu-ts: file lock "${line.trim()}" is not supported (only advisory POSIX, flock and OFD read/write locks)`);
  }
  const start = BigInt(f[6]!);
  // "EOF" is a lock to the end of the file, which l_len 0 asks for.
  const len = f[7] === 'EOF' ? 0n : BigInt(f[7]!) - start + 1n;
  return { flag, type, pid: Number(f[4]), start, len };
}

export class FileLocks {
  readonly entries: FileLockEntry[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly enabled: boolean) {}

  /** Adds the locks held through task pid's fds (its fdinfo entries, with their file ids). */
  collect(pid: number, fds: readonly Pick<FdinfoEntry, 'id' | 'fd'>[]): void {
    for (const e of fds) {
      const text = fs.readFileSync(`/proc/${pid}/fdinfo/${e.fd}`, 'utf8');
      for (const line of text.split('\n')) {
        if (!line.startsWith('lock:')) continue;
        if (!this.enabled) throw new Error(`criu-ts: task ${pid} holds a file lock through fd ${e.fd}; dump with --file-locks`);
        const lock = parseLockLine(line.slice('lock:'.length));
        // flock and OFD locks belong to the open file; POSIX ones to the process.
        const owner = lock.flag === FL_POSIX ? `pid:${pid}` : `file:${e.id}`;
        const key = `${owner}:${lock.flag}:${lock.type}:${lock.start}:${lock.len}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.entries.push({ flag: lock.flag, type: lock.type, pid, fd: e.fd, start: lock.start, len: lock.len });
      }
    }
  }

  write(dir: string): void {
    if (this.entries.length) writeImage(dir, 'filelocks.img', 'filelocks', this.entries);
  }
}

const cache = new WeakMap<TreeImages, FileLockEntry[]>();

function locksOf(tree: TreeImages): FileLockEntry[] {
  let locks = cache.get(tree);
  if (!locks) {
    locks = fs.existsSync(path.join(tree.dir, 'filelocks.img')) ? readImage(tree.dir, 'filelocks.img', 'filelocks').entries : [];
    cache.set(tree, locks);
  }
  return locks;
}

/** Throws if a lock of task cannot be restored. */
export function checkFileLocks(tree: TreeImages, task: TaskImages): void {
  for (const l of locksOf(tree)) {
    if (l.pid !== task.pid) continue;
    if (l.flag !== FL_POSIX && l.flag !== FL_FLOCK && l.flag !== FL_OFD) throw new Error(`criu-ts: file lock of kind ${l.flag} (fd ${l.fd} of ${task.pid}) is not supported`);
    if (!task.fds.some((f) => f.fd === l.fd)) throw new Error(`criu-ts: file lock on fd ${l.fd} of ${task.pid}, which the task does not have`);
  }
}

/** Takes task's flock and OFD locks on its files, open here as fds. */
export function takeFileLocks(tree: TreeImages, task: TaskImages, fds: TaskFd[]): void {
  checkFileLocks(tree, task);
  for (const l of locksOf(tree)) {
    if (l.pid !== task.pid) continue;
    if (l.flag === FL_POSIX) continue;
    const source = fds.find((f) => f.fd === l.fd)!.source;
    const exclusive = l.type === F_WRLCK;
    if (l.flag === FL_FLOCK) flock(source, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
    else setRecordLock(source, F_OFD_SETLK, l.type, l.start, l.len);
  }
}

/** The task's POSIX locks, for the restorer blob to take (struct rst_posix_lock). */
export function posixLocks(tree: TreeImages, task: TaskImages): { fd: number; type: number; start: bigint; len: bigint }[] {
  return locksOf(tree)
    .filter((l) => l.pid === task.pid && l.flag === FL_POSIX)
    .map((l) => ({ fd: l.fd, type: l.type, start: l.start, len: l.len }));
}
