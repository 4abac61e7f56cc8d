// fanotify groups: init flags, event file flags and every mark (fdinfo "fanotify" lines), an
// inode's by its file handle (and the path it leads to now, as inotify's), a mount's by its
// mount point. Restore makes a group with the same flags and marks the same objects with the
// same masks, ignore masks and mark flags. Events still queued are not kept (as inotify's);
// filesystem-wide marks (FAN_MARK_FILESYSTEM) have no place in the format and are refused.
import fs from 'node:fs';
import type { FanotifyFileEntry, FanotifyMarkEntry } from '../images/entries.js';
import { fdInfoRecords } from '../proc/fdinfo.js';
import { fanotifyInit, fanotifyMark } from '../sys/anon-fd.js';
import { F_SETFL, O_ACCMODE } from '../sys/fcntl.js';
import { fcntl } from '../sys/proc-ops.js';
import { fileEntry } from '../restore/task-images.js';
import { handleWords, hex, mountPointOf, pathOf } from './file-handle.js';
import { noOwner } from './file-table.js';
import type { FdKind, OpenFd } from './kind.js';

/** fanotify_init's own flag (not O_CLOEXEC). */
const FAN_CLOEXEC = 0x1;
const FAN_MARK_ADD = 0x1;
const FAN_MARK_MOUNT = 0x10;
const FAN_MARK_IGNORED_MASK = 0x20;
const FAN_MARK_IGNORED_SURV_MODIFY = 0x40;
const FAN_MARK_EVICTABLE = 0x200;
const FAN_MARK_IGNORE = 0x400;

function marksOf(fd: OpenFd, records: Map<string, string>[]): FanotifyMarkEntry[] {
  return records.filter((r) => !r.has('flags')).map((r) => {
    const common = { id: 0, mflags: hex(r, 'mflags'), mask: hex(r, 'mask'), ignored_mask: hex(r, 'ignored_mask') };
    if (r.has('ino')) {
      const sdev = hex(r, 'sdev');
      const type = hex(r, 'fhandle-type');
      const handle = Buffer.from(r.get('f_handle') ?? '', 'hex').subarray(0, hex(r, 'fhandle-bytes'));
      const path = pathOf(fd.pid, sdev, type, handle);
      if (path === undefined) throw fd.unsupported('a fanotify mark on a file without a path');
      return { ...common, type: 'INODE', s_dev: sdev, ie: { i_ino: BigInt(`0x${r.get('ino')}`), f_handle: { bytes: handle.length, type, handle: handleWords(handle), path } } };
    }
    if (r.has('mnt_id')) {
      const mntId = hex(r, 'mnt_id');
      const path = mountPointOf(fd.pid, mntId);
      if (path === undefined) throw fd.unsupported(`a fanotify mark on mount ${mntId}, which the task does not see`);
      return { ...common, type: 'MOUNT', s_dev: 0, me: { mnt_id: mntId, path } };
    }
    throw fd.unsupported('a fanotify mark on a whole filesystem (FAN_MARK_FILESYSTEM)');
  });
}

/** The object a mark names, and the mark flag that says which kind it is. */
function target(m: FanotifyMarkEntry): { path: string | undefined; kind: number } {
  return m.type === 'MOUNT' || m.type === 2 ? { path: m.me?.path, kind: FAN_MARK_MOUNT } : { path: m.ie?.f_handle.path, kind: 0 };
}

const marks = (e: FanotifyFileEntry): FanotifyMarkEntry[] => e.mark ?? [];

export const fanotify: FdKind = {
  type: 'FANOTIFY',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:[fanotify]',
    dump(fd, { files }) {
      const records = fdInfoRecords(fs.readFileSync(`/proc/${fd.pid}/fdinfo/${fd.fd}`, 'utf8'), 'fanotify ');
      const group = records.find((r) => r.has('flags'));
      if (!group) throw fd.unsupported('a fanotify group without its flags in fdinfo');
      return files.shared(fd.fileKey, (id) =>
        files.add('FANOTIFY', 'ffy', id, { flags: fd.flags, fown: noOwner(), faflags: hex(group, 'flags'), evflags: hex(group, 'event-flags'), mark: marksOf(fd, records) }));
    },
  },
  restore: {
    check(tree, fileId) {
      for (const m of marks(fileEntry(tree, fileId, 'FANOTIFY').ffy)) {
        const { path } = target(m);
        if (path === undefined) throw new Error(`criu-ts: fanotify mark of file ${fileId} has no path to mark again`);
        if (!fs.existsSync(path)) throw new Error(`criu-ts: fanotify mark of file ${fileId} is on ${path}, which is missing`);
      }
    },
    open(ctx, fileId) {
      const e = fileEntry(ctx.tree, fileId, 'FANOTIFY').ffy;
      // The group's flags hold FAN_NONBLOCK and FAN_CLOEXEC too; the file's own flags decide after.
      const fd = fanotifyInit(e.faflags | FAN_CLOEXEC, e.evflags);
      ctx.opened.push(fd);
      // fdinfo lists the newest mark first: added oldest first, they list as they did.
      for (const m of [...marks(e)].reverse()) {
        const { path, kind } = target(m);
        const evictable = m.mflags & FAN_MARK_EVICTABLE;
        if (m.mask) fanotifyMark(fd, FAN_MARK_ADD | kind | evictable, m.mask, path!);
        if (m.ignored_mask) {
          const how = m.mflags & FAN_MARK_IGNORE ? FAN_MARK_IGNORE : FAN_MARK_IGNORED_MASK | (m.mflags & FAN_MARK_IGNORED_SURV_MODIFY);
          fanotifyMark(fd, FAN_MARK_ADD | kind | evictable | how, m.ignored_mask, path!);
        }
      }
      fcntl(fd, F_SETFL, e.flags & ~O_ACCMODE);
      return fd;
    },
  },
};
