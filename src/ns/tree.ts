// Namespaces of a kind criu-ts dumps (uts, ipc, time) across a process tree. Restore clones in
// tree order and a task can only create a namespace or inherit its creator's, so each task
// must be in its parent's namespace (the root: the dumper's) or in one no task before it
// was in. The task that was first in it creates it on restore; its descendants share it.
import fs from 'node:fs';
import { ImageError, readImage, type EntriesOf } from '../images/index.js';

export type DumpedKind = 'uts' | 'ipc' | 'time';

const inode = (pid: number | 'self', kind: DumpedKind): number => fs.statSync(`/proc/${pid}/ns/${kind}`).ino;

/** Throws unless the tasks' (root first, parents before children) `kind` namespaces can be created by cloning. */
export function checkNamespaceTree(kind: DumpedKind, tasks: readonly { pid: number; ppid: number }[]): void {
  const of = new Map<number, number>();
  const holder = new Map<number, number | 'us'>([[inode('self', kind), 'us']]);
  for (const [i, t] of tasks.entries()) {
    const ino = inode(t.pid, kind);
    of.set(t.pid, ino);
    const parentIno = i === 0 ? inode('self', kind) : of.get(t.ppid);
    if (ino === parentIno) continue;
    const other = holder.get(ino);
    if (other !== undefined) {
      const whose = other === 'us' ? 'ours' : `task ${other}'s`;
      throw new Error(`criu-ts: task ${t.pid} is in ${whose} ${kind} namespace but not its parent's; such trees cannot be restored`);
    }
    holder.set(ino, t.pid);
  }
}

/** The tasks (one per namespace id) whose `kind` namespace is not ours: they are dumped. */
export function namespacesToDump(kind: DumpedKind, tasks: readonly { pid: number; nsId: number }[]): { pid: number; nsId: number }[] {
  const ours = inode('self', kind);
  const seen = new Set<number>();
  return tasks.filter((t) => {
    if (seen.has(t.nsId) || inode(t.pid, kind) === ours) return false;
    seen.add(t.nsId);
    return true;
  });
}

/**
 * Which tasks create a `kind` namespace, with what the images hold for it. members: root
 * first, parents before children; nsId undefined for those without ids (zombies, helpers),
 * which stay in their parent's. A task whose namespace is neither its parent's nor in the
 * images, or was another task's first, is refused.
 */
export function namespacesToCreate<T>(
  kind: DumpedKind,
  members: readonly { pid: number; ppid: number; nsId?: number }[],
  images: ReadonlyMap<number, T>,
): Map<number, T> {
  const out = new Map<number, T>();
  const inNs = new Map<number, number | undefined>();
  const created = new Set<number>();
  for (const [i, m] of members.entries()) {
    const parentNs = i === 0 ? undefined : inNs.get(m.ppid);
    const ns = m.nsId ?? parentNs;
    inNs.set(m.pid, ns);
    if (ns === undefined || ns === parentNs) continue;
    const image = images.get(ns);
    // The root's namespace without an image was the dumper's: it stays in ours.
    if (image === undefined && i === 0) continue;
    if (image === undefined) throw new Error(`criu-ts: task ${m.pid} is in ${kind} namespace ${ns}, not its parent's, and the images do not hold it`);
    if (created.has(ns)) throw new Error(`criu-ts: task ${m.pid} is in ${kind} namespace ${ns}, which another task than its parent is in; such trees cannot be restored`);
    created.add(ns);
    out.set(m.pid, image);
  }
  return out;
}

/**
 * The one entry of each `${kind}-ID.img` among files (an image set's listing), by ID, as
 * `take` makes it; take throws what it refuses.
 */
export function readNamespaceImages<K extends 'utsns' | 'ipcns-var' | 'timens', T>(
  dir: string,
  files: readonly string[],
  kind: K,
  take: (entry: EntriesOf<K>[number], file: string, id: number) => T,
): Map<number, T> {
  const out = new Map<number, T>();
  const name = new RegExp(`^${kind}-(\\d+)\\.img$`);
  for (const f of files) {
    const m = name.exec(f);
    if (!m) continue;
    const e = readImage(dir, f, kind).entries[0] as EntriesOf<K>[number] | undefined;
    if (!e) throw new ImageError(f, 0, 'one entry');
    out.set(Number(m[1]), take(e, f, Number(m[1])));
  }
  return out;
}
