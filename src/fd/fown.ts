// F_SETOWN owners of open files: which process (thread, group) gets SIGIO/SIGURG for the
// file, with which signal (F_SETSIG) and the uid/euid it was set with (they decide whether
// the signal may be sent). An owner is a property of the open file description: read once
// per description at dump, set again at restore by one task holding it, from its restorer,
// where the owner exists (the task itself, one of its threads, or its process group).
import fs from 'node:fs';
import type { FileEntry, FownEntry } from '../images/entries.js';
import { F_GETOWN_EX, F_GETOWNER_UIDS, F_GETSIG, F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID, F_GETFL, O_ASYNC, O_PATH } from '../sys/fcntl.js';
import { hostOrder } from '../sys/host-order.js';
import { borrowFd, fcntl, fcntlRead } from '../sys/proc-ops.js';
import type { FileBody } from '../images/index.js';
import { fileBody, type TaskImages, type TreeImages } from '../restore/task-images.js';

export interface Owner {
  pid_type: number;
  pid: number;
  signum: number;
  uid: number;
  euid: number;
}

/** Who may own a file so that a task holding it can set the owner again. */
export interface Holder {
  pid: number;
  pgid: number;
  threads: readonly number[];
}

const TYPE_NAMES: Record<number, string> = { [F_OWNER_TID]: 'thread', [F_OWNER_PID]: 'process', [F_OWNER_PGRP]: 'process group' };

/** True when holder can set this owner from inside itself: it names the holder, a thread of it or its group. */
export function ownedWithin(o: Owner, h: Holder): boolean {
  if (o.pid_type === F_OWNER_PID) return o.pid === h.pid;
  if (o.pid_type === F_OWNER_TID) return h.threads.includes(o.pid);
  if (o.pid_type === F_OWNER_PGRP) return o.pid === h.pgid;
  return false;
}

export const describeOwner = (o: Owner): string => `${TYPE_NAMES[o.pid_type] ?? `owner type ${o.pid_type}`} ${o.pid}`;

/** The owner of fd of process pid, or undefined when none was set (or it is gone). */
export function readOwner(pid: number, fd: number): Owner | undefined {
  const mine = borrowFd(pid, fd);
  try {
    if (fcntl(mine, F_GETFL) & O_PATH) return undefined; // no owner, and fcntl refuses to say so
    const ex = fcntlRead(mine, F_GETOWN_EX, 8);
    const owner = hostOrder.readI32(ex, 4);
    if (owner === 0) return undefined;
    const uids = fcntlRead(mine, F_GETOWNER_UIDS, 8);
    return { pid_type: hostOrder.readI32(ex, 0), pid: owner, signum: fcntl(mine, F_GETSIG), uid: hostOrder.readU32(uids, 0), euid: hostOrder.readU32(uids, 4) };
  } finally {
    fs.closeSync(mine);
  }
}

/** The per-kind message of a file entry, when its kind has an owner (every kind's but a few). */
function bodyOf(file: FileEntry): Extract<FileBody, { fown?: FownEntry }> | undefined {
  const body = fileBody(file);
  return body && 'fown' in body ? body : undefined;
}

/** The owner of a file entry, if one is set. */
export function ownerOf(file: FileEntry): Owner | undefined {
  const o = bodyOf(file)?.fown;
  return o && o.pid !== 0 ? o : undefined;
}

/**
 * Signal-driven I/O of one file for the restorer to set up, fd being the task's own number
 * of it: the owner, if any, and O_ASYNC, which the task turns on itself, since the kernel
 * sends si_fd as the fd number it was turned on through.
 */
export interface OwnerPlan {
  fd: number;
  owner?: Owner;
  async: boolean;
  /** Set before the task takes its credentials (the owner was set as root), else after. */
  early: boolean;
}

const plansOf = new WeakMap<TreeImages, Map<number, OwnerPlan[]>>();

/**
 * Which task sets up each file with an owner or O_ASYNC: the first, in tree order, that
 * holds it (and that the owner is within). A file no holder can set it for is refused, as is an owner set
 * with ids that are neither the task's own nor root's (the restorer can be only those).
 */
export function ownersByTask(tree: TreeImages, credsOf: (task: TaskImages) => { uid: number; euid: number } | undefined): Map<number, OwnerPlan[]> {
  const known = plansOf.get(tree);
  if (known) return known;
  const out = new Map<number, OwnerPlan[]>(tree.tasks.map((t) => [t.pid, []]));
  const done = new Set<number>();
  const pending = new Map<number, Owner>();
  for (const task of tree.tasks) {
    for (const e of task.fds) {
      const id = e.id;
      const file = tree.files.get(id);
      const o = file && ownerOf(file);
      const body = file && bodyOf(file);
      const async = ((body && 'flags' in body ? body.flags : 0) & O_ASYNC) !== 0;
      if ((!o && !async) || done.has(id)) continue;
      if (o && !ownedWithin(o, task)) {
        pending.set(id, o);
        continue;
      }
      const c = credsOf(task);
      const late = !o || c === undefined || (o.uid === c.uid && o.euid === c.euid);
      if (o && !late && (o.uid !== 0 || o.euid !== 0)) {
        throw new Error(`criu-ts: file ${id} of task ${task.pid} has its owner (F_SETOWN) set with uid ${o.uid} euid ${o.euid}, which are neither the task's nor root's; that cannot be restored`);
      }
      out.get(task.pid)!.push({ fd: e.fd, ...(o ? { owner: o } : {}), async, early: !late });
      done.add(id);
      pending.delete(id);
    }
  }
  for (const [id, o] of pending) {
    throw new Error(`criu-ts: file ${id} is owned (F_SETOWN) by ${describeOwner(o)}, which is no task holding it nor its process group; that cannot be restored yet`);
  }
  plansOf.set(tree, out);
  return out;
}
