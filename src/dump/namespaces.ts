// Which namespaces a dumped tree may be in, and the namespace ids of ids-<pid>.img and
// inventory.img: one small number per distinct namespace (by its /proc/PID/ns inode),
// allocated in CRIU's order of kinds (src/ns/kinds.ts).
import fs from 'node:fs';
import type { TaskKobjIdsEntry } from '../images/index.js';
import { namespaceKinds, type NamespaceKind } from '../ns/kinds.js';
import { checkNamespaceTree } from '../ns/tree.js';
import { parseStat } from '../proc/stat.js';


/** Kinds dumped when not ours (src/ns/): every other kind must be ours. */
const dumped = ['uts', 'ipc', 'time'] as const;

/**
 * Throws unless every task of the tree (root first, parents before children) is in
 * namespaces criu-ts can dump: UTS, IPC and time namespaces of its own in a shape cloning
 * can recreate (checkNamespaceTree), ours for every other kind. Its children would be born
 * in its own time namespace and in our pid namespace (not in one it unshared for them).
 */
export function checkNamespaces(pids: readonly number[]): void {
  const others = [...namespaceKinds.map(({ kind }) => kind).filter((k) => !(dumped as readonly string[]).includes(k)), 'pid_for_children'];
  for (const pid of pids) {
    for (const kind of others) {
      let ino: number;
      try {
        ino = fs.statSync(`/proc/${pid}/ns/${kind}`).ino;
      } catch {
        continue; // a kernel without this namespace kind
      }
      if (fs.statSync(`/proc/self/ns/${kind}`).ino !== ino) {
        const base = kind.replace(/_for_children$/, '');
        const what = base === kind ? `is in another ${kind} namespace than ours` : `puts its children in another ${base} namespace than ours`;
        throw new Error(`criu-ts: task ${pid} ${what}; dumping ${base} namespaces is not supported yet`);
      }
    }
  }
  for (const pid of pids) {
    const own = (kind: string): number | undefined => (fs.existsSync(`/proc/${pid}/ns/${kind}`) ? fs.statSync(`/proc/${pid}/ns/${kind}`).ino : undefined);
    if (own('time_for_children') !== own('time')) throw new Error(`criu-ts: task ${pid} puts its children in another time namespace than its own; dumping that is not supported yet`);
  }
  const tree = pids.map((pid) => ({ pid, ppid: parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).ppid }));
  for (const kind of dumped) checkNamespaceTree(kind, tree);
}

/** The *_ns_id fields of ids-<pid>.img; a kind the kernel lacks has none. */
export type NamespaceIdFields = Pick<TaskKobjIdsEntry, NamespaceKind['field']>;

export class NamespaceIds {
  private readonly ids = new Map<string, number>();

  /** The *_ns_id fields for pid's namespaces. */
  of(pid: number): NamespaceIdFields {
    const out: NamespaceIdFields = {};
    for (const { kind, field } of namespaceKinds) {
      let ino: number;
      try {
        ino = fs.statSync(`/proc/${pid}/ns/${kind}`).ino;
      } catch {
        continue; // a kernel without this namespace kind
      }
      const key = `${kind}:${ino}`;
      let id = this.ids.get(key);
      if (id === undefined) this.ids.set(key, (id = this.ids.size + 1));
      out[field] = id;
    }
    return out;
  }
}
