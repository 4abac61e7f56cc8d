// Reads an image directory into what the planner works on: the tree, the shared
// files, and per task its core, ids, mm, pagemap and fs. Everything is read (and so
// validated by the decoder) before anything is created.
import fs from 'node:fs';
import path from 'node:path';
import { TASK_DEAD } from '../images/format.js';
import { ImageError, readImage, type EntryOf, type FileBody, type FileBodyField, type Kind } from '../images/index.js';
import type {
  CoreEntry, FdinfoEntry, FdTypes, FileEntry, FsEntry, InventoryEntry, MmEntry, PagemapEntry, PstreeEntry, SeccompFilter,
  TaskKobjIdsEntry, TimensEntry, UtsnsEntry,
} from '../images/entries.js';
import { readIpcNamespaces } from '../ns/ipc.js';
import { readTimeNamespaces } from '../ns/time.js';
import { readUtsNamespaces } from '../ns/uts.js';

export interface TaskImages {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  threads: number[];
  /** core_entry of each thread, in `threads` order. */
  cores: CoreEntry[];
  ids: TaskKobjIdsEntry;
  mm: MmEntry;
  pagesId: number;
  pagemap: PagemapEntry[];
  fs: FsEntry;
  fds: FdinfoEntry[];
}

/** A task that had exited but was not yet reaped; only its place in the tree and its status remain. */
export interface ZombieImages {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** The wait status its parent will read (code << 8, or the signal). */
  exitStatus: number;
  /** The signal its exit sends the parent, when not SIGCHLD. */
  exitSignal?: number;
}


export interface TreeImages {
  dir: string;
  inventory: InventoryEntry;
  /** Live tasks, root first, parents before their children. */
  tasks: TaskImages[];
  zombies: ZombieImages[];
  /** files.img entries by id. */
  files: Map<number, FileEntry>;
  /** Unread pipe contents and buffer size by pipe_id (pipes-data.img). */
  pipeData: Map<number, PipeContents>;
  /** The same of named pipes (fifo-data.img). */
  fifoData: Map<number, PipeContents>;
  /** Every seccomp filter of the tree (seccomp.img); threads name theirs by index. */
  seccompFilters: SeccompFilter[];
  /** Shared anonymous memory objects by shmid: their pages file and pagemap (object offsets as vaddr). */
  shmem: Map<bigint, SharedMemoryPages>;
  /** UTS namespaces other than the dumper's, by uts_ns_id (utsns-ID.img). */
  utsNamespaces: Map<number, UtsnsEntry>;
  /** IPC namespaces other than the dumper's, by ipc_ns_id, as the sysctl writes that recreate them (ipcns-var-ID.img). */
  ipcNamespaces: Map<number, [string, string][]>;
  /** Time namespaces other than the dumper's, by time_ns_id: their clocks at the dump (timens-ID.img). */
  timeNamespaces: Map<number, TimensEntry>;
}

/** A shared memory object's pages file and pagemap (pagemap-shmem-ID.img). */
export interface SharedMemoryPages {
  pagesId: number;
  pagemap: PagemapEntry[];
}

function only<K extends Kind>(dir: string, file: string, kind: K): EntryOf<K> {
  const e = readImage(dir, file, kind).entries[0] as EntryOf<K> | undefined;
  if (!e) throw new ImageError(file, 0, 'one entry');
  return e;
}

/** A pagemap image: its pages file and its entries after the head. */
function readPagemap(dir: string, file: string, kind: 'pagemap' | 'pagemap-shmem'): SharedMemoryPages {
  const [head, ...pagemap] = readImage(dir, file, kind).entries;
  if (head?.pages_id === undefined) throw new ImageError(file, 0, 'a pagemap_head first');
  return { pagesId: head.pages_id, pagemap };
}

function readTask(dir: string, p: PstreeEntry, fdinfoPerId: boolean): TaskImages {
  const pid = p.pid;
  const threads = p.threads?.length ? p.threads : [pid];
  const cores = threads.map((tid) => only(dir, `core-${tid}.img`, 'core'));
  const ids: TaskKobjIdsEntry = fs.existsSync(path.join(dir, `ids-${pid}.img`)) ? only(dir, `ids-${pid}.img`, 'ids') : (cores[0]!.ids ?? ({} as TaskKobjIdsEntry));
  const { pagesId, pagemap } = readPagemap(dir, `pagemap-${pid}.img`, 'pagemap');
  const fdinfoFile = fdinfoPerId ? `fdinfo-${ids.files_id}.img` : `fdinfo-${pid}.img`;
  return {
    pid,
    ppid: p.ppid,
    pgid: p.pgid,
    sid: p.sid,
    threads,
    cores,
    ids,
    mm: only(dir, `mm-${pid}.img`, 'mm'),
    pagesId,
    pagemap,
    fs: only(dir, `fs-${pid}.img`, 'fs'),
    fds: fs.existsSync(path.join(dir, fdinfoFile)) ? fdEntries(dir, fdinfoFile) : [],
  };
}

/** Linux's ceiling on fd numbers (fs.nr_open can go no higher). */
const NR_OPEN_MAX = 1 << 30;

function fdEntries(dir: string, file: string): FdinfoEntry[] {
  const img = readImage(dir, file, 'fdinfo');
  img.entries.forEach((e, i) => {
    const fd = e.fd;
    if (!Number.isInteger(fd) || fd < 0 || fd >= NR_OPEN_MAX) throw new ImageError(file, img.offsets[i]!, `an fd number, found ${fd}`);
  });
  return img.entries;
}

/** A pipe's unread bytes and its buffer size (F_GETPIPE_SZ), when the image has it. */
export interface PipeContents {
  data: Buffer;
  size?: number;
  /** The lengths of its packets, when the pipe held several (packet mode, O_DIRECT): one entry each. */
  packets?: number[];
}

/** pipe_data entries with their payload, by pipe_id; empty when the image is absent. */
function readPipeData(dir: string, file: string, kind: 'pipes-data' | 'fifo-data'): Map<number, PipeContents> {
  const data = new Map<number, PipeContents>();
  if (fs.existsSync(path.join(dir, file))) {
    const img = readImage(dir, file, kind);
    img.entries.forEach((e, i) => {
      const payload = img.payloads[i] ?? Buffer.alloc(0);
      const known = data.get(e.pipe_id);
      // Entries after the first of a pipe are its further packets.
      if (known) data.set(e.pipe_id, { ...known, data: Buffer.concat([known.data, payload]), packets: [...(known.packets ?? [known.data.length]), payload.length] });
      else data.set(e.pipe_id, { data: payload, ...(e.size ? { size: e.size } : {}) });
    });
  }
  return data;
}

/**
 * The tree pstree.img describes must be one: pids and thread ids positive and each once, the
 * first entry the root (its parent outside the tree), every other task's parent in the tree,
 * and no cycle. Whatever restores it relies on that (who creates whom, whose fds are shared).
 */
export function checkTreeShape(pstree: readonly PstreeEntry[]): void {
  const refuse = (expected: string): never => {
    throw new ImageError('pstree.img', 0, expected);
  };
  if (pstree.length === 0) refuse('at least one task');
  const isId = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  const parent = new Map<number, number>();
  pstree.forEach((p, i) => {
    const pid = p.pid;
    if (!isId(pid)) refuse(`a positive pid for task #${i}, found ${pid}`);
    if (parent.has(pid)) refuse(`each pid once, found ${pid} twice`);
    parent.set(pid, p.ppid ?? 0);
  });
  const tids = new Set<number>();
  for (const p of pstree) {
    for (const tid of p.threads ?? []) {
      if (!isId(tid)) refuse(`positive thread ids for task ${p.pid}, found ${tid}`);
      if (tids.has(tid)) refuse(`each thread id once, found ${tid} twice`);
      if (tid !== p.pid && parent.has(tid)) refuse(`thread ${tid} of task ${p.pid} not also a task`);
      tids.add(tid);
    }
  }
  const root = pstree[0]!.pid;
  if (parent.has(parent.get(root)!)) refuse(`the root ${root} with its parent outside the tree, found ${parent.get(root)}`);
  for (const pid of parent.keys()) {
    const seen = new Set<number>();
    for (let at = pid; at !== root; at = parent.get(at)!) {
      if (seen.has(at)) refuse(`a tree, found a cycle of parents through task ${at}`);
      seen.add(at);
      if (!parent.has(parent.get(at)!)) refuse(`the parent ${parent.get(at)} of task ${at} in the tree`);
    }
  }
}

export function readTreeImages(dir: string): TreeImages {
  const inventory = only(dir, 'inventory.img', 'inventory');
  const pstree = readImage(dir, 'pstree.img', 'pstree').entries;
  checkTreeShape(pstree);
  const files = new Map<number, FileEntry>();
  for (const f of readImage(dir, 'files.img', 'files').entries) {
    const field = bodyField(f);
    if (field === undefined || typeof f[field] !== 'object') throw new ImageError('files.img', 0, `file ${f.id} of type ${f.type} with its ${field ?? 'per-kind'} message`);
    if (files.has(f.id)) throw new ImageError('files.img', 0, `file id ${f.id} once, found it twice`);
    files.set(f.id, f);
  }
  const pipeData = readPipeData(dir, 'pipes-data.img', 'pipes-data');
  const fifoData = readPipeData(dir, 'fifo-data.img', 'fifo-data');
  const shmem = new Map<bigint, SharedMemoryPages>();
  const listing = fs.readdirSync(dir);
  const utsNamespaces = readUtsNamespaces(dir, listing);
  const ipcNamespaces = readIpcNamespaces(dir, listing);
  const timeNamespaces = readTimeNamespaces(dir, listing);
  for (const f of listing) {
    const m = /^pagemap-shmem-(\d+)\.img$/.exec(f);
    if (m) shmem.set(BigInt(m[1]!), readPagemap(dir, f, 'pagemap-shmem'));
  }
  const tasks: TaskImages[] = [];
  const zombies: ZombieImages[] = [];
  for (const p of pstree) {
    const tc = only(dir, `core-${p.pid}.img`, 'core').tc;
    if (tc?.task_state === TASK_DEAD) {
      zombies.push({ pid: p.pid, ppid: p.ppid, pgid: p.pgid, sid: p.sid, exitStatus: tc.exit_code ?? 0, ...(tc.exit_signal !== undefined ? { exitSignal: tc.exit_signal } : {}) });
    } else {
      tasks.push(readTask(dir, p, inventory.fdinfo_per_id === true));
    }
  }
  if (tasks[0]?.pid !== pstree[0]!.pid) throw new ImageError('pstree.img', 0, 'a live task as the root');
  const seccompFilters = fs.existsSync(path.join(dir, 'seccomp.img')) ? (only(dir, 'seccomp.img', 'seccomp').seccomp_filters ?? []) : [];
  return { dir, inventory, tasks, zombies, files, pipeData, fifoData, seccompFilters, shmem, utsNamespaces, ipcNamespaces, timeNamespaces };
}

/** file_entry's per-kind message for each fd_types value (fdinfo.proto). */
const BODY_FIELDS = {
  REG: 'reg', INETSK: 'isk', NS: 'nsf', PACKETSK: 'psk', NETLINKSK: 'nlsk', EVENTFD: 'efd', EVENTPOLL: 'epfd',
  SIGNALFD: 'sgfd', TUNF: 'tunf', TIMERFD: 'tfd', INOTIFY: 'ify', FANOTIFY: 'ffy', EXT: 'ext', UNIXSK: 'usk',
  FIFO: 'fifo', PIPE: 'pipe', TTY: 'tty', MEMFD: 'memfd', BPFMAP: 'bpf', PIDFD: 'pidfd',
} as const satisfies Partial<Record<FdTypes, FileBodyField>>;

/** The fd types whose files carry a message of their own. */
export type FileType = keyof typeof BODY_FIELDS;

const bodyField = (f: FileEntry): FileBodyField | undefined => (BODY_FIELDS as Partial<Record<string, FileBodyField>>)[String(f.type)];

/** The per-kind message of a file entry (of its type's field), if it has one. */
export const fileBody = (f: FileEntry): FileBody | undefined => {
  const field = bodyField(f);
  return field && f[field];
};

/** A file entry of type T: its per-kind message is there (readTreeImages checked it). */
export type FileOf<T extends FileType> = FileEntry & Required<Pick<FileEntry, (typeof BODY_FIELDS)[T]>>;

/** files.img entry `id`, which must exist and be of `type`. */
export function fileEntry<T extends FileType>(tree: TreeImages, id: number, type: T): FileOf<T> {
  const f = tree.files.get(id);
  if (!f) throw new ImageError('files.img', 0, `a file with id ${id}`);
  if (f.type !== type) throw new ImageError('files.img', 0, `file ${id} of type ${type}, found ${f.type}`);
  return f as FileOf<T>;
}
