// Namespace ids of ids-<pid>.img / inventory.img: one small number per distinct
// namespace (by its /proc/PID/ns inode), allocated in CRIU's order of kinds.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';

const kinds = [['pid', 'pid_ns_id'], ['net', 'net_ns_id'], ['ipc', 'ipc_ns_id'], ['uts', 'uts_ns_id'], ['time', 'time_ns_id'],
  ['mnt', 'mnt_ns_id'], ['user', 'user_ns_id'], ['cgroup', 'cgroup_ns_id']] as const;

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
