// IPC namespaces: one other than the dumper's is dumped as ipcns-var-ID.img (its limits and
// next ids, the sysctls of /proc/sys/kernel and /proc/sys/fs/mqueue) with empty
// ipcns-shm/msg/sem-ID.img, as CRIU names them. SysV objects and POSIX message queues in it
// are refused, not dropped. The task that creates it on restore (see tree.ts) writes the sysctls.
import { ImageError, readImage, writeImage } from '../images/index.js';
import type { IpcVarEntry } from '../images/entries.js';
import { mqueueNames, readFilesIn } from '../sys/namespace.js';
import { namespacesToDump, readNamespaceImages } from './tree.js';

const K = '/proc/sys/kernel/';
const MQ = '/proc/sys/fs/mqueue/';

/** ipc_var_entry's number fields and the sysctl each one is. */
const SCALARS = {
  msg_ctlmax: `${K}msgmax`, msg_ctlmnb: `${K}msgmnb`, msg_ctlmni: `${K}msgmni`, auto_msgmni: `${K}auto_msgmni`,
  shm_ctlmax: `${K}shmmax`, shm_ctlall: `${K}shmall`, shm_ctlmni: `${K}shmmni`, shm_rmid_forced: `${K}shm_rmid_forced`,
  mq_queues_max: `${MQ}queues_max`, mq_msg_max: `${MQ}msg_max`, mq_msgsize_max: `${MQ}msgsize_max`,
  mq_msg_default: `${MQ}msg_default`, mq_msgsize_default: `${MQ}msgsize_default`,
  msg_next_id: `${K}msg_next_id`, sem_next_id: `${K}sem_next_id`, shm_next_id: `${K}shm_next_id`,
} as const;
type Scalar = keyof typeof SCALARS;
const SEM = `${K}sem`;
/** Kept only when set (-1, the default, does not fit the field). */
const NEXT_IDS = ['msg_next_id', 'sem_next_id', 'shm_next_id'] as const;
/** Fixed at 0 by the kernel these days; writing it only logs a warning. */
const NOT_WRITTEN: readonly Scalar[] = ['auto_msgmni'];
const SYSV = { 'shared memory segments': '/proc/sysvipc/shm', 'message queues': '/proc/sysvipc/msg', 'semaphore sets': '/proc/sysvipc/sem' };

/** The state of pid's IPC namespace; throws if it holds objects criu-ts cannot dump yet. */
export function ipcStateOf(pid: number): IpcVarEntry {
  const scalars = Object.keys(SCALARS) as Scalar[];
  const sysv = Object.entries(SYSV);
  const read = readFilesIn(pid, 'ipc', [SEM, ...scalars.map((k) => SCALARS[k]), ...sysv.map(([, f]) => f)]);
  const [sem, ...rest] = read;
  sysv.forEach(([what, file], i) => {
    const table = read[1 + scalars.length + i];
    if (table === undefined) throw new Error(`criu-ts: cannot read ${file} of task ${pid}'s ipc namespace`);
    const objects = table.split('\n').filter(Boolean).length - 1; // under a header line
    if (objects > 0) throw new Error(`criu-ts: task ${pid}'s ipc namespace holds ${objects} SysV ${what}; dumping them is not supported yet`);
  });
  const queues = mqueueNames(pid);
  if (queues.length) throw new Error(`criu-ts: task ${pid}'s ipc namespace holds POSIX message queues (${queues.join(', ')}); dumping them is not supported yet`);
  if (sem === undefined || rest.slice(0, scalars.length).some((v) => v === undefined)) throw new Error(`criu-ts: cannot read the sysctls of task ${pid}'s ipc namespace`);
  const text = new Map(scalars.map((k, i) => [k, rest[i]!.trim()]));
  const int = (k: Scalar): number => Number(text.get(k));
  const entry: IpcVarEntry = {
    sem_ctls: sem.trim().split(/\s+/).map(Number),
    msg_ctlmax: int('msg_ctlmax'), msg_ctlmnb: int('msg_ctlmnb'), msg_ctlmni: int('msg_ctlmni'), auto_msgmni: int('auto_msgmni'),
    shm_ctlmax: BigInt(text.get('shm_ctlmax')!), shm_ctlall: BigInt(text.get('shm_ctlall')!), shm_ctlmni: int('shm_ctlmni'),
    shm_rmid_forced: int('shm_rmid_forced'), mq_queues_max: int('mq_queues_max'), mq_msg_max: int('mq_msg_max'),
    mq_msgsize_max: int('mq_msgsize_max'), mq_msg_default: int('mq_msg_default'), mq_msgsize_default: int('mq_msgsize_default'),
  };
  for (const k of NEXT_IDS) if (text.get(k) !== '-1') entry[k] = int(k);
  return entry;
}

/** Writes ipcns-var-ID.img (and empty object images) for each IPC namespace of the tree that is not ours. */
export function dumpIpcNamespaces(dir: string, tasks: readonly { pid: number; nsId: number }[]): void {
  for (const t of namespacesToDump('ipc', tasks)) {
    writeImage(dir, `ipcns-var-${t.nsId}.img`, 'ipcns-var', [ipcStateOf(t.pid)]);
    writeImage(dir, `ipcns-shm-${t.nsId}.img`, 'ipcns-shm', []);
    writeImage(dir, `ipcns-msg-${t.nsId}.img`, 'ipcns-msg', []);
    writeImage(dir, `ipcns-sem-${t.nsId}.img`, 'ipcns-sem', []);
  }
}

/**
 * Every ipcns-var-ID.img of an image set, by ID, as the sysctl writes that recreate it. A
 * namespace whose object images are not empty is refused (criu-ts restores no SysV objects yet).
 */
export function readIpcNamespaces(dir: string, files: readonly string[]): Map<number, [string, string][]> {
  return readNamespaceImages(dir, files, 'ipcns-var', (e, f, id) => {
    for (const kind of ['ipcns-shm', 'ipcns-msg', 'ipcns-sem'] as const) {
      const objects = `${kind}-${id}.img`;
      if (files.includes(objects) && readImage(dir, objects).entries.length) throw new ImageError(objects, 0, 'no SysV objects (criu-ts cannot restore them yet)');
    }
    const sem = e.sem_ctls ?? [];
    if (sem.length !== 4) throw new ImageError(f, 0, `4 sem_ctls, found ${sem.length}`);
    const writes: [string, string][] = [[SEM, sem.join(' ')]];
    for (const k of Object.keys(SCALARS) as Scalar[]) {
      const v = e[k];
      if (v !== undefined && !NOT_WRITTEN.includes(k)) writes.push([SCALARS[k], String(v)]);
    }
    return writes;
  });
}
