// --inherit-fd fd[N]:KEY (and RPC inherit_fd): a file of the images comes back as criu-ts's
// own fd N instead of being opened or made, as container runtimes hand a restored tree its
// stdio. KEY names the file as CRIU does: pipe:[INODE], socket:[INODE] (a unix socket),
// tty[RDEV:DEV] (a terminal, by the hex st_rdev and st_dev of its slave), or a regular file's
// path without its leading /. Every fd of the tree on that file gets it.
import fs from 'node:fs';
import type { InheritFd } from '../images/entries.js';
import type { TreeImages } from '../restore/task-images.js';
import { F_DUPFD_CLOEXEC } from '../sys/fcntl.js';
import { fcntl } from '../sys/proc-ops.js';
import { terminalKey } from './tty.js';

export type { InheritFd };

/** Parses "fd[N]:KEY". */
export function parseInheritFd(spec: string): InheritFd {
  const m = /^fd\[(\d+)\]:(.+)$/.exec(spec);
  if (!m) throw new Error(`criu-ts: --inherit-fd takes fd[N]:RESOURCE (e.g. fd[3]:pipe:[1234]), not "${spec}"`);
  return { fd: Number(m[1]), key: m[2]! };
}

/** The key CRIU would look file id up by, if its kind can be inherited. */
export function inheritKey(tree: TreeImages, fileId: number): string | undefined {
  const f = tree.files.get(fileId);
  if (f?.pipe) return `pipe:[${f.pipe.pipe_id}]`;
  if (f?.usk) return `socket:[${f.usk.ino}]`;
  if (f?.tty) return terminalKey(tree, fileId);
  if (f?.reg?.name.startsWith('/')) return f.reg.name.slice(1);
  return undefined;
}

/** The inherited fds by key, each checked open in this process. */
export function inheritedFds(list: readonly InheritFd[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const { key, fd } of list ?? []) {
    try {
      fs.fstatSync(fd);
    } catch {
      throw new Error(`criu-ts: --inherit-fd fd[${fd}]:${key}: fd ${fd} is not open in criu-ts`);
    }
    if (out.has(key)) throw new Error(`criu-ts: --inherit-fd names ${key} twice`);
    out.set(key, fd);
  }
  return out;
}

/** Keys that name no file of the images (a typo, or another dump's inode). */
export function unusedKeys(inherited: ReadonlyMap<string, number>, tree: TreeImages): string[] {
  const used = new Set([...tree.files.keys()].map((id) => inheritKey(tree, id)));
  return [...inherited.keys()].filter((k) => !used.has(k));
}

/** The fd to restore file id from, if it is inherited: a copy of ours, closed with the restore's. */
export function inheritedSource(inherited: ReadonlyMap<string, number>, tree: TreeImages, fileId: number): number | undefined {
  if (!inherited.size) return undefined;
  const key = inheritKey(tree, fileId);
  const fd = key === undefined ? undefined : inherited.get(key);
  return fd === undefined ? undefined : fcntl(fd, F_DUPFD_CLOEXEC, 0);
}
