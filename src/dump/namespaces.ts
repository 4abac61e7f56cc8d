// Namespace ids of ids-<pid>.img / inventory.img: one small number per distinct
// namespace (by its /proc/PID/ns inode), allocated in CRIU's order of kinds.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';

const kinds = [['pid', 'pid_ns_id'], ['net', 'net_ns_id'], ['ipc', 'ipc_ns_id'], ['uts', 'uts_ns_id'], ['time', 'time_ns_id'],
  ['mnt', 'mnt_ns_id'], ['user', 'user_ns_id'], ['cgroup', 'cgroup_ns_id']] as const;

/** Kinds whose difference from ours changes what pids and paths mean: not supported yet. */
const mustMatchOurs = ['pid', 'mnt', 'user'];

/**
 * Throws if pid lives in namespaces we cannot dump yet: any kind other than the root
 * task's, or a PID, mount or user namespace other than ours.
 */
export function checkNamespaces(pid: number, root: number): void {
  for (const [kind] of kinds) {
    let ino: number;
    try {
      ino = fs.statSync(`/proc/${pid}/ns/${kind}`).ino;
    } catch {
      continue;
    }
    const against = pid === root && mustMatchOurs.includes(kind) ? 'self' : String(root);
    if (against === String(pid)) continue;
    if (fs.statSync(`/proc/${against}/ns/${kind}`).ino !== ino) {
      const whose = against === 'self' ? 'ours' : `the root task's`;
      throw new Error(`criu-ts: task ${pid} is in another ${kind} namespace than ${whose}; dumping namespaces is not supported yet`);
    }
  }
}

export class NamespaceIds {
  private readonly ids = new Map<string, number>();

  /** The *_ns_id fields for pid's namespaces. */
  of(pid: number): Entry {
    const out: Entry = {};
    for (const [kind, field] of kinds) {
      let ino: number;
      try {
        ino = fs.statSync(`/proc/${pid}/ns/${kind}`).ino;
      } catch {
        continue; // a kernel without this namespace kind
      }
      const key = `${kind}:${ino}`;
      if (!this.ids.has(key)) this.ids.set(key, this.ids.size + 1);
      out[field] = this.ids.get(key);
    }
    return out;
  }
}
