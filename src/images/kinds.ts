// The table of image kinds: for each file kind (CRIU's file name without its id), the
// magic, the protobuf message of its entries and where raw payload follows an entry.
// The table also types entries: EntriesOf<'core'> is CoreEntry[] (entries.ts).
import { readU32, type ByteOrder } from './byte-order.js';
import type { FileEntry, IpcMsg, MessageName, Messages } from './entries.js';
import type { MagicName } from './magic.js';
import { messageType } from './schema.js';

/** A file_entry field holding a per-kind message ("reg", "pipe"...). */
export type FileBodyField = Exclude<keyof FileEntry, 'type' | 'id'>;

/** The per-kind message under field F. */
export type FileBodyOf<F extends FileBodyField> = NonNullable<FileEntry[F]>;

/** Any per-kind message of a file entry. */
export type FileBody = FileBodyOf<FileBodyField>;

/** An entry of no particular kind, for code that walks the schema (crit, the codec). */
export type Entry = Record<string, any>;

/** How a file starts: common magic + kind magic, service magic + kind magic, or kind magic alone. */
export type Header = 'common' | 'service' | 'own';

/**
 * Length of the raw bytes that follow an entry, or undefined when none do. `rest` is
 * everything after the entry (on encode: the payload given), for payloads that run to
 * the end of the file or frame entries of their own.
 */
type PayloadLength<E> = (entry: E, rest: Buffer, order: ByteOrder) => number | undefined;

interface PlainSpec<M extends MessageName> {
  readonly magic: MagicName;
  readonly header: Header;
  /** Message type of every entry (after `first`, when set). */
  readonly message: M;
  readonly payload?: PayloadLength<Messages[M]>;
}

/** A kind whose entry 0 is of another message (pagemap_head, ghost_file_entry). */
interface HeadedSpec<M extends MessageName, F extends MessageName> extends PlainSpec<M> {
  readonly first: F;
  readonly firstPayload?: PayloadLength<Messages[F]>;
}

/** A kind as the codec sees it, entries untyped. */
export interface KindSpec {
  readonly magic: MagicName;
  readonly header: Header;
  readonly message: MessageName;
  readonly first?: MessageName;
  readonly payload?: PayloadLength<Entry>;
  readonly firstPayload?: PayloadLength<Entry>;
}

function isHead(spec: KindSpec, index: number): boolean {
  return index === 0 && spec.first !== undefined;
}

/** The message of entry `index`. */
export function entryMessage(spec: KindSpec, index: number): MessageName {
  return isHead(spec, index) ? spec.first! : spec.message;
}

/** Length of the payload after entry `index`, or undefined when it has none. */
export function payloadLength(spec: KindSpec, index: number, entry: Entry, rest: Buffer, order: ByteOrder): number | undefined {
  return (isHead(spec, index) ? spec.firstPayload : spec.payload)?.(entry, rest, order);
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * A message queue's payload: qnum times [u32 length, ipc_msg, text padded to 8 bytes].
 * Returns more than `rest` holds when the queue is cut short, so the reader reports it.
 */
function msgQueueLength(e: Messages['ipc_msg_entry'], rest: Buffer, order: ByteOrder): number {
  let at = 0;
  for (let i = 0; i < e.qnum; i++) {
    if (at + 4 > rest.length) return at + 4;
    const len = readU32(rest, at, order);
    if (at + 4 + len > rest.length) return at + 4 + len;
    const msg = messageType('ipc_msg').decode(rest.subarray(at + 4, at + 4 + len)) as unknown as IpcMsg;
    at += 4 + len + roundUp(msg.msize, 8);
  }
  return at;
}

const spec = <M extends MessageName>(s: PlainSpec<M>): PlainSpec<M> => s;

const plain = <M extends MessageName>(magic: MagicName, message: M): PlainSpec<M> => ({ magic, header: 'common', message });

const pipeData = (magic: MagicName): PlainSpec<'pipe_data_entry'> => ({
  magic,
  header: 'common',
  message: 'pipe_data_entry',
  payload: (e) => e.bytes,
});

const pagemap: HeadedSpec<'pagemap_entry', 'pagemap_head'> = { magic: 'PAGEMAP', header: 'common', first: 'pagemap_head', message: 'pagemap_entry' };

const ghostFile: HeadedSpec<'ghost_chunk_entry', 'ghost_file_entry'> = {
  magic: 'GHOST_FILE',
  header: 'common',
  first: 'ghost_file_entry',
  message: 'ghost_chunk_entry',
  // Without chunks the whole rest of the file is the content; with chunks each
  // chunk entry carries `len` bytes.
  firstPayload: (e, rest) => (e.chunks ? undefined : rest.length),
  payload: (e) => Number(e.len),
};

const TABLE = {
  inventory: spec({ magic: 'INVENTORY', header: 'own', message: 'inventory_entry' }),
  pstree: plain('PSTREE', 'pstree_entry'),
  core: plain('CORE', 'core_entry'),
  ids: plain('IDS', 'task_kobj_ids_entry'),
  mm: plain('MM', 'mm_entry'),
  vmas: plain('VMAS', 'vma_entry'),
  pagemap,
  'pagemap-shmem': pagemap,
  fdinfo: plain('FDINFO', 'fdinfo_entry'),
  files: plain('FILES', 'file_entry'),
  'reg-files': plain('REG_FILES', 'reg_file_entry'),
  'ext-files': plain('EXT_FILES', 'ext_file_entry'),
  'ns-files': plain('NS_FILES', 'ns_file_entry'),
  pipes: plain('PIPES', 'pipe_entry'),
  'pipes-data': pipeData('PIPES_DATA'),
  fifo: plain('FIFO', 'fifo_entry'),
  'fifo-data': pipeData('FIFO_DATA'),
  unixsk: plain('UNIXSK', 'unix_sk_entry'),
  inetsk: plain('INETSK', 'inet_sk_entry'),
  packetsk: plain('PACKETSK', 'packet_sock_entry'),
  netlinksk: plain('NETLINK_SK', 'netlink_sk_entry'),
  'sk-queues': spec({ magic: 'SK_QUEUES', header: 'common', message: 'sk_packet_entry', payload: (e) => e.length }),
  'tcp-stream': spec({
    magic: 'TCP_STREAM',
    header: 'common',
    message: 'tcp_stream_entry',
    payload: (e) => e.inq_len + e.outq_len,
  }),
  eventfd: plain('EVENTFD_FILE', 'eventfd_file_entry'),
  eventpoll: plain('EVENTPOLL_FILE', 'eventpoll_file_entry'),
  'eventpoll-tfd': plain('EVENTPOLL_TFD', 'eventpoll_tfd_entry'),
  signalfd: plain('SIGNALFD', 'signalfd_entry'),
  timerfd: plain('TIMERFD', 'timerfd_entry'),
  inotify: plain('INOTIFY_FILE', 'inotify_file_entry'),
  'inotify-wd': plain('INOTIFY_WD', 'inotify_wd_entry'),
  fanotify: plain('FANOTIFY_FILE', 'fanotify_file_entry'),
  'fanotify-mark': plain('FANOTIFY_MARK', 'fanotify_mark_entry'),
  tty: plain('TTY_FILES', 'tty_file_entry'),
  'tty-info': plain('TTY_INFO', 'tty_info_entry'),
  'tty-data': plain('TTY_DATA', 'tty_data_entry'),
  tunfile: plain('TUNFILE', 'tunfile_entry'),
  pidfd: plain('PIDFD', 'pidfd_entry'),
  'bpfmap-file': plain('BPFMAP_FILE', 'bpfmap_file_entry'),
  memfd: plain('MEMFD_INODE', 'memfd_inode_entry'),
  'remap-fpath': plain('REMAP_FPATH', 'remap_file_path_entry'),
  'ghost-file': ghostFile,
  filelocks: plain('FILE_LOCKS', 'file_lock_entry'),
  fs: plain('FS', 'fs_entry'),
  creds: plain('CREDS', 'creds_entry'),
  sigacts: plain('SIGACT', 'sa_entry'),
  itimers: plain('ITIMERS', 'itimer_entry'),
  'posix-timers': plain('POSIX_TIMERS', 'posix_timer_entry'),
  rlimit: plain('RLIMIT', 'rlimit_entry'),
  'signal-s': plain('SIGNAL', 'siginfo_entry'),
  'signal-p': plain('SIGNAL', 'siginfo_entry'),
  seccomp: plain('SECCOMP', 'seccomp_entry'),
  timens: plain('TIMENS', 'timens_entry'),
  utsns: plain('UTSNS', 'utsns_entry'),
  userns: plain('USERNS', 'userns_entry'),
  pidns: plain('PIDNS', 'pidns_entry'),
  cgroup: plain('CGROUP', 'cgroup_entry'),
  mountpoints: plain('MNTS', 'mnt_entry'),
  autofs: plain('AUTOFS', 'autofs_entry'),
  'binfmt-misc': plain('BINFMT_MISC', 'binfmt_misc_entry'),
  netdev: plain('NETDEV', 'net_device_entry'),
  netns: plain('NETNS', 'netns_entry'),
  'ipcns-var': plain('IPC_VAR', 'ipc_var_entry'),
  'ipcns-shm': spec({
    magic: 'IPCNS_SHM',
    header: 'common',
    message: 'ipc_shm_entry',
    payload: (e) => (e.in_pagemaps ? undefined : roundUp(Number(e.size), 4)),
  }),
  'ipcns-sem': spec({ magic: 'IPCNS_SEM', header: 'common', message: 'ipc_sem_entry', payload: (e) => roundUp(2 * e.nsems, 8) }),
  'ipcns-msg': spec({ magic: 'IPCNS_MSG', header: 'common', message: 'ipc_msg_entry', payload: msgQueueLength }),
  'bpfmap-data': spec({
    magic: 'BPFMAP_DATA',
    header: 'common',
    message: 'bpfmap_data_entry',
    payload: (e) => e.keys_bytes + e.values_bytes,
  }),
  apparmor: plain('APPARMOR', 'apparmor_entry'),
  cpuinfo: plain('CPUINFO', 'cpuinfo_entry'),
  stats: spec({ magic: 'STATS', header: 'service', message: 'stats_entry' }),
  'irmap-cache': spec({ magic: 'IRMAP_CACHE', header: 'service', message: 'irmap_cache_entry' }),
  checksums: plain('CRIU_TS_CHECKSUMS', 'image_checksum_entry'),
};

/** An image kind of the table: 'core', 'pagemap-shmem', 'stats'. */
export type Kind = keyof typeof TABLE;

type Table = typeof TABLE;

/** The entries of an image of kind K, as read and written (pagemap: head first). */
export type EntriesOf<K extends Kind> = Table[K] extends HeadedSpec<infer M, infer F>
  ? [] | [Messages[F], ...Messages[M][]]
  : Table[K] extends PlainSpec<infer M> ? Messages[M][] : never;

/** The entry type of kind K (after the head, for kinds that have one). */
export type EntryOf<K extends Kind> = Table[K] extends PlainSpec<infer M> ? Messages[M] : never;

/** The table as the codec walks it, by kind name. */
export const KINDS: Readonly<Record<string, KindSpec>> = TABLE as Readonly<Record<Kind, KindSpec>>;

export function isKind(name: string): name is Kind {
  return Object.prototype.hasOwnProperty.call(TABLE, name);
}

/** Raw page contents; not an entry image (read and written directly by dump/restore). */
export const RAW_PAGES_KIND = 'pages';

/**
 * The kind of an image file from its name, as CRIU names them: "core-42.img" -> "core",
 * "pagemap-shmem-12119.img" -> "pagemap-shmem", "tcp-stream-1f.img" -> "tcp-stream",
 * "stats-dump" -> "stats". A name of no known kind gives its base with the id removed.
 */
export function kindOfFile(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  if (base === 'stats-dump' || base === 'stats-restore') return 'stats';
  const name = base.endsWith('.img') ? base.slice(0, -4) : base;
  if (name in KINDS) return name;
  const withId = /^(.+)-([0-9a-f]+)$/.exec(name);
  if (withId) return withId[1]!;
  return name;
}

/** The first kind in the table that has this magic (kinds sharing one have one format). */
export function kindOfMagic(magic: MagicName): Kind | undefined {
  return (Object.keys(TABLE) as Kind[]).find((k) => TABLE[k].magic === magic);
}
