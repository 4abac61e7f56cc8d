// File handles of watched inodes (inotify watches, fanotify marks): the handle as CRIU keeps
// it, and the path it leads to now (open_by_handle_at on the inode's filesystem, found by
// its device among the task's mounts), which restore marks again.
import fs from 'node:fs';
import { openByHandleAt } from '../sys/anon-fd.js';
import { O_PATH } from '../sys/fcntl.js';
import { readU64 } from '../sys/host-order.js';

/** A hex field of an fdinfo record. */
export const hex = (r: Map<string, string>, key: string): number => parseInt(r.get(key) ?? '0', 16);

/** CRIU keeps at least this many 64-bit words of handle. */
const HANDLE_WORDS = 16;

/** The handle bytes as host-order 64-bit words, zero-padded. */
export function handleWords(bytes: Buffer): bigint[] {
  const padded = Buffer.alloc(Math.max(HANDLE_WORDS * 8, Math.ceil(bytes.length / 8) * 8));
  bytes.copy(padded);
  return Array.from({ length: padded.length / 8 }, (_, i) => readU64(padded, i * 8));
}

/** The mount point (as the task sees it) of the first mount of pid's mountinfo that matches. */
function mountPoint(pid: number, matches: (fields: string[]) => boolean): string | undefined {
  for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const f = line.split(' ');
    // Mount points escape blanks and backslashes as \ooo (octal).
    if (f.length > 4 && matches(f)) return f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  }
  return undefined;
}

/** The mount point (as the task sees it) of mount mntId. */
export const mountPointOf = (pid: number, mntId: number): string | undefined => mountPoint(pid, (f) => f[0] === String(mntId));

/** A mount point (reached through the task's root) of the filesystem with kernel device number sdev. */
function mountOf(pid: number, sdev: number): string | undefined {
  const at = mountPoint(pid, (f) => f[2] === `${sdev >>> 20}:${sdev & 0xfffff}`);
  return at === undefined ? undefined : `/proc/${pid}/root${at}`;
}

/** The watched inode's path, found from its handle; undefined when it has none left. */
export function pathOf(pid: number, sdev: number, type: number, handle: Buffer): string | undefined {
  const mount = mountOf(pid, sdev);
  if (!mount) return undefined;
  const mountFd = fs.openSync(mount, fs.constants.O_RDONLY);
  try {
    const fd = openByHandleAt(mountFd, type, handle, O_PATH);
    try {
      const p = fs.readlinkSync(`/proc/self/fd/${fd}`);
      return p.endsWith(' (deleted)') ? undefined : p;
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.closeSync(mountFd);
  }
}
