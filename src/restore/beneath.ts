// Paths an image names (a deleted file to recreate, a unix socket to bind) are walked here one
// component at a time from the tree's root, through directory fds, so a restore running as root
// never creates, binds, chmods or unlinks anywhere else: ".." stops at the root, and a symlink
// is followed only when root, the restoring user or the dumped tree's owner made it (a symlink
// planted by anybody else is refused). What is done at the last component goes through the
// parent's fd (/proc/self/fd/N/name), so a directory swapped after the walk does not redirect it.
import fs from 'node:fs';
import { O_CLOEXEC, O_PATH } from '../sys/fcntl.js';
import type { TreeImages } from './task-images.js';

/** Linux's limit on symlinks followed in one lookup. */
const MAX_LINKS = 40;
const NAME_MAX = 255;
export const PATH_MAX = 4096;

export interface Beneath {
  /** The path asked for, normalised. */
  readonly path: string;
  /** An O_PATH fd of the last component's directory, reached without an untrusted symlink. */
  readonly dirFd: number;
  /** The last component. */
  readonly base: string;
  /** The last component through the directory's fd: what the caller opens, binds or unlinks. */
  readonly at: string;
  close(): void;
}

export class PathRefused extends Error {}

/** p, when the kernel can take it as a path (no NUL, not empty, within PATH_MAX). */
export function usablePath(p: string): string {
  if (typeof p !== 'string' || p.length === 0 || p.length > PATH_MAX || p.includes('\0')) throw new PathRefused(`path ${JSON.stringify(p)}: not a usable path`);
  return p;
}

const opath = (p: string): number => fs.openSync(p, O_PATH | O_CLOEXEC | fs.constants.O_NOFOLLOW);
const via = (fd: number, name: string): string => `/proc/self/fd/${fd}/${name}`;
const same = (a: fs.Stats, b: fs.Stats): boolean => a.dev === b.dev && a.ino === b.ino;

/**
 * Resolves the directory of p (absolute, or relative to `from`, itself resolved the same way)
 * beneath root. trustedUids own the symlinks that may be followed. Throws PathRefused with
 * a one-line reason; the caller closes the result.
 */
export function resolveBeneath(p: string, trustedUids: ReadonlySet<number>, root = '/', from = '/'): Beneath {
  usablePath(p);
  const rootFd = fs.openSync(root, O_PATH | O_CLOEXEC);
  const rootSt = fs.fstatSync(rootFd);
  let cur = rootFd;
  const closeCur = (): void => {
    if (cur !== rootFd) fs.closeSync(cur);
  };
  const refuse = (why: string): never => {
    closeCur();
    fs.closeSync(rootFd);
    throw new PathRefused(`path ${p}: ${why}`);
  };
  const full = p.startsWith('/') ? p : `${from.replace(/\/+$/, '')}/${p}`;
  const todo = full.split('/').filter((c) => c !== '' && c !== '.');
  const base = todo.pop();
  if (base === undefined || base === '..') refuse('names no file');
  if (base!.length > NAME_MAX) refuse('a component longer than 255 bytes');
  let links = 0;
  while (todo.length) {
    const c = todo.shift()!;
    if (c.length > NAME_MAX) refuse('a component longer than 255 bytes');
    if (c === '..') {
      // The root is its own parent, as in a chroot.
      if (same(fs.fstatSync(cur), rootSt)) continue;
      const up = opath(via(cur, '..'));
      closeCur();
      cur = up;
      continue;
    }
    let next: number;
    try {
      next = opath(via(cur, c));
    } catch (e) {
      return refuse(`${c}: ${(e as NodeJS.ErrnoException).code ?? 'cannot open'}`);
    }
    const st = fs.fstatSync(next);
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        if (!trustedUids.has(st.uid)) throw new PathRefused(`the symlink ${c} belongs to uid ${st.uid}, not to root or the tree's owner`);
        if (++links > MAX_LINKS) throw new PathRefused('too many symlinks');
        target = fs.readlinkSync(via(cur, c));
        // The link read must be the one checked (a link's text never changes, its name may).
        if (!same(fs.lstatSync(via(cur, c)), st)) throw new PathRefused(`the symlink ${c} changed while it was read`);
      } catch (e) {
        fs.closeSync(next);
        return refuse(e instanceof PathRefused ? e.message : `${c}: ${(e as Error).message}`);
      }
      fs.closeSync(next);
      todo.unshift(...target.split('/').filter((t) => t !== '' && t !== '.'));
      if (target.startsWith('/')) {
        closeCur();
        cur = rootFd;
      }
      continue;
    }
    if (!st.isDirectory()) {
      fs.closeSync(next);
      refuse(`${c} is not a directory`);
    }
    closeCur();
    cur = next;
  }
  const dirFd = cur === rootFd ? rootFd : cur;
  if (dirFd !== rootFd) fs.closeSync(rootFd);
  return {
    path: full,
    dirFd,
    base: base!,
    at: via(dirFd, base!),
    close: () => fs.closeSync(dirFd),
  };
}

/** root, the restoring user and the owner of the dumped tree (its root task's uid): whose symlinks a restore follows. */
export function trustedOwners(tree: TreeImages): Set<number> {
  const out = new Set([0, process.geteuid?.() ?? 0]);
  const uid = tree.tasks?.[0]?.cores[0]?.thread_core?.creds?.uid;
  if (typeof uid === 'number') out.add(uid);
  return out;
}
