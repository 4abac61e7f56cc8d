// inotify: every watch (fdinfo "inotify wd:" lines) with its mask and the file handle of
// the watched inode. The handle is also resolved to a path now (open_by_handle_at on the
// watch's filesystem), which restore uses to add the watch again.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { fdInfoRecords } from '../proc/fdinfo.js';
import { openByHandleAt } from '../sys/anon-fd.js';
import { readU64 } from '../sys/host-order.js';
import { noOwner } from './file-table.js';
import type { FdDumper, OpenFd } from './files.js';

/** CRIU keeps at least this many 64-bit words of handle. */
const HANDLE_WORDS = 16;
const O_PATH = 0o10000000;

const hex = (r: Map<string, string>, key: string): number => parseInt(r.get(key) ?? '0', 16);

/** The handle bytes as host-order 64-bit words, zero-padded. */
export function handleWords(bytes: Buffer): bigint[] {
  const padded = Buffer.alloc(Math.max(HANDLE_WORDS * 8, Math.ceil(bytes.length / 8) * 8));
  bytes.copy(padded);
  return Array.from({ length: padded.length / 8 }, (_, i) => readU64(padded, i * 8));
}

/** A mount point (seen from the task) of the filesystem with kernel device number sdev. */
function mountOf(pid: number, sdev: number): string | undefined {
  const want = `${sdev >>> 20}:${sdev & 0xfffff}`;
  for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const f = line.split(' ');
    // Mount points escape blanks and backslashes as \ooo (octal).
    if (f[2] === want) return `/proc/${pid}/root${f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))}`;
  }
  return undefined;
}

/** The watched inode's path, found from its handle; undefined when it has none left. */
function pathOf(pid: number, sdev: number, type: number, handle: Buffer): string | undefined {
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

function watches(fd: OpenFd): Entry[] {
  const text = fs.readFileSync(`/proc/${fd.pid}/fdinfo/${fd.fd}`, 'utf8');
  return fdInfoRecords(text, 'inotify ').map((r) => {
    const sdev = hex(r, 'sdev');
    const type = hex(r, 'fhandle-type');
    const handle = Buffer.from(r.get('f_handle') ?? '', 'hex').subarray(0, hex(r, 'fhandle-bytes'));
    const wd = Number(r.get('wd'));
    const path = pathOf(fd.pid, sdev, type, handle);
    if (path === undefined) throw fd.unsupported(`an inotify watch (wd ${wd}) on a file without a path`);
    return {
      id: 0,
      i_ino: BigInt(`0x${r.get('ino') ?? '0'}`),
      mask: hex(r, 'mask'),
      ignored_mask: hex(r, 'ignored_mask'),
      s_dev: sdev,
      wd,
      f_handle: { bytes: handle.length, type, handle: handleWords(handle), path },
    };
  });
}

export const inotify: FdDumper = {
  kind: 'INOTIFY',
  matches: (fd) => fd.link === 'anon_inode:inotify',
  dump(fd, files) {
    return files.shared(fd.fileKey, (id) => files.add('INOTIFY', 'ify', id, { flags: fd.flags, fown: noOwner(), wd: watches(fd) }));
  },
};
