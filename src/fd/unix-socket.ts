// Unix sockets: an UNIXSK file entry per socket, from unix_diag (type, state, name, peer,
// shutdown, backlog) and getsockopt (options); what waits in its receive queue goes to
// sk-queues.img. A peer must be dumped too (else --ext-unix-sk), checked once every task
// is dumped (UnixSockets.finish).
// A connection not accepted yet names its listener as peer. What it sent waits in a
// socket no task holds: only accept() reaches it, which would change the task's state, so
// it is read once the tree is dead, from our own copy of the listener (UnixSockets.killed).
// Restore: two mutual peers become one socketpair; a listener is bound and listens; a
// socket whose peer is a named socket (a listener's unaccepted connection, a datagram
// server, a socket outside the tree) connects to that name. Queued packets (with the files
// they pass) are re-sent through the peer, or to the name of a datagram socket that has
// none; then the shutdowns are applied. Names are bound where they were: relative paths
// from name_dir, a stale socket file at the path is removed first.
import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from '../images/index.js';
import type { FilePermsEntry, SkPacketEntry, UnixSkEntry } from '../images/entries.js';
import { parseUnixDiag, type UnixDiag, unixDiagRequest } from '../proc/net-unix-diag.js';
import { F_GETFL, F_SETFL, O_ACCMODE, O_CLOEXEC, O_NONBLOCK, O_PATH } from '../sys/fcntl.js';
import { isSysError } from '../sys/native.js';
import { PathRefused, resolveBeneath, trustedOwners, type Beneath } from '../restore/beneath.js';
import { borrowFd, fcntl, ioctlValue } from '../sys/proc-ops.js';
import {
  accept4, AF_UNIX, bind, connect, listen, RCV_SHUTDOWN, SCM_RIGHTS, send, sendFds,
  SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_SEQPACKET, SOCK_STREAM, sockaddrUn, sockDiag, socket, socketpair,
} from '../sys/socket.js';
import { TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN } from '../sys/tcp.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { type FileTable, noOwner } from './file-table.js';
import type { FdDumpOptions, FdKind, FinishContext, KindDumpState, OpenContext } from './kind.js';
import { peekQueue, type QueuedPacket } from './sk-queue.js';
import { finishSocketState, applySocketOpts, checkSocketOpts, dumpSocketOpts, socketDomain, withSocket } from './socket-opts.js';

/** unix_sk_entry.uflags: a peer outside the tree, only connected to at restore. */
const USK_EXTERN = 1;

const trimNul = (b: Buffer): Buffer => {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
};

/** Mode and owner of the bound socket file, if it is still the file the socket made. */
function filePerms(dir: string, name: string, ino: number): FilePermsEntry | undefined {
  const st = fs.statSync(path.resolve(dir, name), { throwIfNoEntry: false });
  if (!st || st.ino !== ino) return undefined;
  return { mode: st.mode, uid: st.uid, gid: st.gid };
}

/** SIOCPROTOPRIVATE + 0: an O_PATH fd of the file a unix socket is bound to. */
const SIOCUNIXFILE = 0x89e0;

/** Where the socket's bound file is now, asked of the socket (undefined if the kernel cannot say). */
function boundFile(sk: number): { path: string; stat: fs.Stats } | undefined {
  let file: number;
  try {
    file = ioctlValue(sk, SIOCUNIXFILE);
  } catch {
    return undefined;
  }
  try {
    return { path: fs.readlinkSync(`/proc/self/fd/${file}`), stat: fs.fstatSync(file) };
  } finally {
    fs.closeSync(file);
  }
}

/** The directory real = dir + "/" + name sits in, if name (relative) is plainly its tail. */
export function dirOfName(real: string, name: string): string | undefined {
  const tail = name.split('/').filter((p) => p && p !== '.');
  if (tail.includes('..')) return undefined;
  const parts = real.split('/').filter(Boolean);
  if (parts.length < tail.length || tail.some((p, i) => parts[parts.length - tail.length + i] !== p)) return undefined;
  return '/' + parts.slice(0, parts.length - tail.length).join('/');
}

/**
 * name_dir, file_perms and deleted of a socket bound to a path. A relative name counts from
 * the cwd at bind time, which the task may have left since: the socket itself says where
 * its file is. Without that answer the task's cwd and root are tried (by inode); a relative
 * name found in neither is refused rather than bound in the wrong place.
 */
function placeName(pid: number, sk: number, name: string, ino: number | undefined): Pick<UnixSkEntry, 'name_dir' | 'file_perms' | 'deleted'> {
  const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  const absolute = path.isAbsolute(name);
  const file = ino === undefined ? undefined : boundFile(sk);
  if (file && file.stat.ino === ino && !absolute) {
    const deleted = file.stat.nlink === 0;
    const real = deleted ? file.path.replace(/ \(deleted\)$/, '') : file.path;
    const dir = dirOfName(real, name);
    if (dir !== undefined) {
      return deleted ? { name_dir: dir, deleted } : { name_dir: dir, file_perms: { mode: file.stat.mode, uid: file.stat.uid, gid: file.stat.gid } };
    }
  }
  const dirs = absolute ? ['/'] : [cwd, fs.readlinkSync(`/proc/${pid}/root`)];
  for (const dir of dirs) {
    const perms = ino === undefined ? undefined : filePerms(dir, name, ino);
    if (perms) return absolute ? { file_perms: perms } : { name_dir: dir, file_perms: perms };
  }
  if (ino === undefined) return absolute ? {} : { name_dir: cwd };
  if (!absolute && (!file || file.stat.nlink > 0)) {
    const at = file ? ` (its file is ${file.path} now)` : '';
    throw new Error(`criu-ts: cannot tell where unix socket ${name} (relative to the directory it was bound in) lives${at}`);
  }
  // Its file is gone (or another one took the name): restored bound, then unlinked.
  return absolute ? { deleted: true } : { name_dir: cwd, deleted: true };
}

/** files.img is written by the time unaccepted connections are read: what they pass cannot join it. */
const refusePassedFd = (): number => {
  throw new Error('criu-ts: files passed over a unix connection not accepted yet cannot be dumped yet');
};

/** The unix sockets of one dump. */
export class UnixSockets implements KindDumpState {
  /** Every unix socket of our network namespace, read on first use. */
  private diag?: Map<number, UnixDiag>;
  /** Dumped sockets: inode -> peer inode (0 for none). */
  private readonly dumped = new Map<number, number>();
  /** sk-queues.img entries with their payloads. */
  private readonly queues: { entry: SkPacketEntry; payload: Buffer }[] = [];
  /** Where each dumped socket was found: inode -> task and fd. */
  private readonly found = new Map<number, { pid: number; fd: number }>();
  /** Unaccepted connections that sent data: client inode -> its file id. */
  private readonly unacceptedWithData = new Map<number, number>();
  /** Our copies of listeners whose unaccepted connections sent data, by inode. */
  private readonly listeners = new Map<number, number>();

  constructor(private readonly options: FdDumpOptions) {}

  diagOf(ino: number): UnixDiag {
    this.diag ??= parseUnixDiag(sockDiag(unixDiagRequest()));
    const sk = this.diag.get(ino);
    if (!sk) throw new Error(`criu-ts: unix socket ${ino} is not in unix_diag (another network namespace?)`);
    return sk;
  }

  /** The listener in whose queue the connection of socket ino waits (unix_diag lists clients as its icons). */
  listenerOf(ino: number): number | undefined {
    for (const l of this.diag!.values()) if (l.state === TCP_LISTEN && l.icons.includes(ino)) return l.ino;
    return undefined;
  }

  /** Records a dumped socket: where it was, its peer, and whether it sent data still waiting for accept(). */
  add(ino: number, peer: number, at: { pid: number; fd: number }, unacceptedDataOf?: number): void {
    this.dumped.set(ino, peer);
    this.found.set(ino, at);
    if (unacceptedDataOf !== undefined) this.unacceptedWithData.set(ino, unacceptedDataOf);
  }

  /** Adds a sk-queues entry for packet p waiting on socket file `id`; files passed with it are dumped (and closed here). */
  queuePacket(id: number, p: QueuedPacket, dumpPassedFd: (fd: number) => number): void {
    const entry: SkPacketEntry = { id_for: id, length: p.data.length };
    // sun_path as the kernel gave it: a path's trailing NUL dropped, as names are kept.
    const sender = p.from.subarray(2);
    if (sender.length) entry.addr = sender[0] === 0 ? sender : trimNul(sender);
    try {
      if (p.fds.length) entry.scm = [{ type: SCM_RIGHTS, rights: p.fds.map(dumpPassedFd) }];
    } finally {
      for (const fd of p.fds) fs.closeSync(fd);
    }
    this.addQueued(entry, p.data);
  }

  /** sk-queues.img is written by this state (once the tree is gone when listeners hold data); other socket kinds add their packets here. */
  addQueued(entry: SkPacketEntry, payload: Buffer): void {
    this.queues.push({ entry, payload });
  }

  /**
   * An entry for a peer outside the tree (--ext-unix-sk), marked USK_EXTERN: restore
   * connects to its name again. Only a name that means the same from anywhere will do.
   */
  private externalPeer(table: FileTable, ino: number, peer: number): void {
    const sk = this.diag!.get(peer);
    const name = sk?.name && (sk.name[0] === 0 ? sk.name : trimNul(sk.name));
    if (!sk || !name?.length || (name[0] !== 0 && !path.isAbsolute(name.toString()))) {
      throw new Error(`criu-ts: unix socket ${ino} is connected to socket ${peer} outside the dumped tree, which has no absolute or abstract name to connect to again`);
    }
    table.shared(`unix-extern:${peer}`, (id) => table.add('UNIXSK', 'usk', id, {
      ino: peer, type: sk.type, state: sk.state, flags: 2, uflags: USK_EXTERN, backlog: 0, peer: 0, fown: noOwner(), name,
      opts: { so_sndbuf: 0, so_rcvbuf: 0, so_snd_tmo_sec: 0n, so_snd_tmo_usec: 0n, so_rcv_tmo_sec: 0n, so_rcv_tmo_usec: 0n },
    }));
  }

  /**
   * Every task dumped, the tree still frozen: throws unless each dumped socket's peer was
   * dumped too (or --ext-unix-sk); keeps a copy of each listener with unaccepted
   * connections that sent data (refused with --leave-running: reading them needs accept()).
   */
  finish(out: FinishContext): void {
    for (const [ino, peer] of this.dumped) {
      if (peer === 0 || this.dumped.has(peer)) continue;
      if (!this.options.extUnixSk) throw new Error(`criu-ts: unix socket ${ino} is connected to socket ${peer}, which is outside the dumped tree; use --ext-unix-sk to dump it anyway`);
      this.externalPeer(out.files, ino, peer);
    }
    for (const client of this.unacceptedWithData.keys()) {
      if (this.options.leaveRunning) throw new Error(`criu-ts: unix socket ${client} sent data on a connection not accepted yet; it can be dumped only when the tree is not left running`);
      const listener = this.dumped.get(client)!;
      if (this.listeners.has(listener)) continue;
      const at = this.found.get(listener)!;
      this.listeners.set(listener, borrowFd(at.pid, at.fd));
    }
    if (!this.listeners.size) this.writeQueues(out.dir);
  }

  /** The tree is dead: what unaccepted connections sent is read from our listener copies. */
  killed(dir: string): void {
    if (!this.listeners.size) return;
    try {
      for (const [ino, fd] of this.listeners) this.readUnaccepted(this.diag!.get(ino)!, fd);
    } finally {
      this.close();
    }
    this.writeQueues(dir);
  }

  close(): void {
    for (const fd of this.listeners.values()) fs.closeSync(fd);
    this.listeners.clear();
  }

  private writeQueues(dir: string): void {
    if (this.queues.length) writeImage(dir, 'sk-queues.img', 'sk-queues', this.queues.map((q) => q.entry), this.queues.map((q) => q.payload));
  }

  /**
   * Accepts every queued connection of a listener (in queue order, as unix_diag listed
   * their clients) and records what each client sent, as queued on the client: it sends
   * it again once connected at restore.
   */
  private readUnaccepted(listener: UnixDiag, fd: number): void {
    for (const client of listener.icons) {
      const conn = accept4(fd, SOCK_NONBLOCK | SOCK_CLOEXEC);
      try {
        const id = this.unacceptedWithData.get(client);
        if (id === undefined) continue;
        for (const p of peekQueue(conn, listener.type, true)) this.queuePacket(id, p, refusePassedFd);
      } finally {
        fs.closeSync(conn);
      }
    }
  }
}

export interface Packet {
  data: Buffer;
  /** File ids passed with it (SCM_RIGHTS). */
  rights: number[];
  /** The sender's name, for a datagram from a named socket. */
  addr?: Buffer;
}

interface UnixRestore {
  /** usk entries by socket inode (file id in .id). */
  byIno: Map<number, UnixSkEntry>;
  /** Sockets created here, by inode. */
  open: Map<number, number>;
  /** Queued packets by the file id of the socket they wait on. */
  queues: Map<number, Packet[]>;
}

function unixState(ctx: OpenContext): UnixRestore {
  let s = ctx.state.get('unix-sockets') as UnixRestore | undefined;
  if (s) return s;
  s = { byIno: indexByIno(ctx.tree), open: new Map(), queues: new Map() };
  if (fs.existsSync(path.join(ctx.tree.dir, 'sk-queues.img'))) {
    const img = readImage(ctx.tree.dir, 'sk-queues.img', 'sk-queues');
    img.entries.forEach((e, i) => {
      const list = s!.queues.get(e.id_for) ?? [];
      const rights = (e.scm ?? []).flatMap((m) => {
        if (m.type !== SCM_RIGHTS) throw new Error(`criu-ts: sk-queues.img: control message type ${m.type} cannot be restored`);
        // An empty rights list decodes as absent: such a message is refused, not sent without files.
        if (!m.rights) throw new Error('criu-ts: sk-queues.img: an SCM_RIGHTS message passes no file ids');
        return m.rights;
      });
      list.push({ data: img.payloads[i] ?? Buffer.alloc(0), rights, ...(e.addr?.length ? { addr: e.addr } : {}) });
      s!.queues.set(e.id_for, list);
    });
  }
  ctx.state.set('unix-sockets', s);
  return s;
}

/** What sk-queues.img holds for the socket of file id (of any socket kind), oldest first. */
export const queuedPackets = (ctx: OpenContext, fileId: number): readonly Packet[] => unixState(ctx).queues.get(fileId) ?? [];

function indexByIno(tree: TreeImages): Map<number, UnixSkEntry> {
  const out = new Map<number, UnixSkEntry>();
  for (const f of tree.files.values()) if (f.type === 'UNIXSK' && f.usk) out.set(f.usk.ino, f.usk);
  return out;
}

const isPath = (name: Buffer): boolean => name.length > 0 && name[0] !== 0;

/**
 * Binds sk to the entry's name: an abstract name, or a path from its directory. The path's
 * directory is reached beneath the root without planted symlinks (see restore/beneath.ts); a
 * stale socket file is removed, and the mode and owner set, through that directory's fd. The
 * bind itself takes the name as it was (getsockname shows it), so the directory is looked up
 * again afterwards and must be the one checked.
 */
function bindName(ctx: OpenContext, sk: number, usk: UnixSkEntry): void {
  const name = usk.name;
  if (!isPath(name)) {
    bind(sk, sockaddrUn(name));
    return;
  }
  const dir = usk.name_dir ?? '/';
  const trusted = trustedOwners(ctx.tree);
  const refused = (e: unknown): never => {
    throw e instanceof PathRefused ? new Error(`criu-ts: cannot bind unix socket ${usk.ino}: ${e.message}`) : e;
  };
  let where: Beneath;
  try {
    where = resolveBeneath(name.toString(), trusted, '/', dir);
  } catch (e) {
    return refused(e);
  }
  try {
    const st = fs.lstatSync(where.at, { throwIfNoEntry: false });
    if (st && usk.deleted) throw new Error(`criu-ts: cannot bind unix socket ${usk.ino} to ${where.path}: its file was deleted before the dump and another file has that name now`);
    if (st?.isSocket()) fs.unlinkSync(where.at);
    else if (st) throw new Error(`criu-ts: cannot bind unix socket ${usk.ino} to ${where.path}: a file that is not a socket is there`);
    const before = fs.fstatSync(where.dirFd);
    // A relative name stays relative (getsockname shows it as bound): bind from its directory.
    const cwd = process.cwd();
    process.chdir(isAbsolute(name) ? '/' : dir);
    try {
      bind(sk, sockaddrUn(name));
    } finally {
      process.chdir(cwd);
    }
    let again: Beneath;
    try {
      again = resolveBeneath(name.toString(), trusted, '/', dir);
    } catch (e) {
      return refused(e);
    }
    const after = fs.fstatSync(again.dirFd);
    if (after.dev !== before.dev || after.ino !== before.ino) {
      again.close();
      throw new Error(`criu-ts: cannot bind unix socket ${usk.ino}: the directory of ${where.path} changed while it was bound`);
    }
    if (usk.deleted) unlinkAtEnd(ctx, again, usk);
    else again.close();
    const perms = usk.file_perms;
    if (perms) {
      // Through an O_PATH fd of the socket file itself: a symlink put there meanwhile is not followed.
      const file = fs.openSync(where.at, O_PATH | O_CLOEXEC | fs.constants.O_NOFOLLOW);
      try {
        if (!fs.fstatSync(file).isSocket()) throw new Error(`criu-ts: cannot bind unix socket ${usk.ino}: ${where.path} is no longer its socket file`);
        fs.chmodSync(`/proc/self/fd/${file}`, perms.mode & 0o7777);
        fs.chownSync(`/proc/self/fd/${file}`, perms.uid, perms.gid);
      } finally {
        fs.closeSync(file);
      }
    }
  } finally {
    where.close();
  }
}

/**
 * The file of a socket deleted before the dump goes once every peer has connected through
 * it; only if it is still the file bind made (dir holds its directory open till then).
 */
function unlinkAtEnd(ctx: OpenContext, dir: Beneath, usk: UnixSkEntry): void {
  const made = fs.lstatSync(dir.at);
  ctx.atEnd.push(() => {
    try {
      const now = fs.lstatSync(dir.at, { throwIfNoEntry: false });
      if (now?.isSocket() && now.ino === made.ino && now.dev === made.dev) fs.unlinkSync(dir.at);
      else ctx.options.log?.warn(`restore: unix socket ${usk.ino}: ${dir.path} is no longer the file it was bound to; left as it is`);
    } catch (e) {
      ctx.options.log?.warn(`restore: unix socket ${usk.ino}: cannot unlink ${dir.path}: ${(e as Error).message}`);
    } finally {
      dir.close();
    }
  });
}

const isAbsolute = (name: Buffer): boolean => name[0] === 0x2f;

/** The address to connect to for a peer with this name. */
function peerAddress(peer: UnixSkEntry): Buffer {
  const name = peer.name;
  if (!isPath(name)) return sockaddrUn(name);
  return sockaddrUn(Buffer.from(path.resolve(peer.name_dir ?? '/', name.toString())));
}

/** Two mutual peers with no listener between them: restored as one socketpair. */
function isPair(usk: UnixSkEntry, peer: UnixSkEntry): boolean {
  return peer.peer === usk.ino && usk.state !== TCP_LISTEN && peer.state !== TCP_LISTEN;
}

function finishSocket(ctx: OpenContext, s: UnixRestore, usk: UnixSkEntry, sk: number): void {
  ctx.opened.push(sk);
  s.open.set(usk.ino, sk);
  applySocketOpts(sk, usk.opts);
  fcntl(sk, F_SETFL, usk.flags & ~O_ACCMODE);
}

function sendAll(ctx: OpenContext, from: number, packets: Packet[], type: number): void {
  if (packets.length === 0) return;
  // Non-blocking while we send: a queue that does not fit the buffers (an image's small
  // so_sndbuf or so_rcvbuf) is an error, not a restore that waits forever.
  const flags = fcntl(from, F_GETFL);
  fcntl(from, F_SETFL, flags | O_NONBLOCK);
  try {
    for (const { data, rights } of packets) {
      const fds = rights.map((id) => ctx.openFile(id));
      let done = fds.length ? sendFds(from, data, fds) : send(from, data);
      if (type === SOCK_STREAM) {
        while (done < data.length) done += send(from, data.subarray(done));
      } else if (done !== data.length) {
        throw new Error(`criu-ts: a queued packet of ${data.length} bytes could not be re-sent whole`);
      }
    }
  } catch (e) {
    if (!isSysError(e, 'EAGAIN')) throw e;
    const bytes = packets.reduce((n, p) => n + p.data.length, 0);
    throw new Error(`criu-ts: ${packets.length} queued packets (${bytes} bytes) do not fit the socket buffers the image gives (so_sndbuf/so_rcvbuf)`);
  } finally {
    fcntl(from, F_SETFL, flags);
  }
}

function createPair(ctx: OpenContext, s: UnixRestore, a: UnixSkEntry, b: UnixSkEntry): void {
  const [fa, fb] = socketpair(AF_UNIX, a.type | SOCK_CLOEXEC);
  finishSocket(ctx, s, a, fa);
  finishSocket(ctx, s, b, fb);
  if (a.name.length) bindName(ctx, fa, a);
  if (b.name.length) bindName(ctx, fb, b);
  sendAll(ctx, fb, s.queues.get(a.id) ?? [], a.type);
  sendAll(ctx, fa, s.queues.get(b.id) ?? [], b.type);
  finishSocketState(fa, a);
  finishSocketState(fb, b);
}

/**
 * A named datagram socket's queue, sent again to its name in queue order: each datagram
 * from its sender when that is a socket of the images connected to this one (so the
 * receiver sees the same name), else from an unnamed socket (a sender outside the tree).
 */
function refillByName(ctx: OpenContext, s: UnixRestore, usk: UnixSkEntry): void {
  if (usk.type !== SOCK_DGRAM || !usk.name.length) {
    throw new Error(`criu-ts: unix socket ${usk.ino} has queued data but no peer in the images to re-send it from`);
  }
  let anonymous: number | undefined;
  try {
    for (const p of s.queues.get(usk.id)!) {
      const sender = p.addr && connectedSender(s, usk, p.addr);
      if (sender) {
        sendAll(ctx, create(ctx, s, sender), [p], SOCK_DGRAM);
        continue;
      }
      if (p.addr) ctx.options.log?.warn(`restore: unix socket ${usk.ino}: a datagram from ${JSON.stringify(p.addr.toString())}, which is not connected to it in the images, comes back from an unnamed socket`);
      if (anonymous === undefined) {
        anonymous = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
        connect(anonymous, peerAddress(usk));
      }
      sendAll(ctx, anonymous, [p], SOCK_DGRAM);
    }
  } finally {
    if (anonymous !== undefined) fs.closeSync(anonymous);
  }
}

/** The socket of the images named `name` and connected to usk, if there is one. */
function connectedSender(s: UnixRestore, usk: UnixSkEntry, name: Buffer): UnixSkEntry | undefined {
  for (const e of s.byIno.values()) if (e.peer === usk.ino && e.name.equals(name)) return e;
  return undefined;
}

function create(ctx: OpenContext, s: UnixRestore, usk: UnixSkEntry): number {
  const done = s.open.get(usk.ino);
  if (done !== undefined) return done;
  const peer = usk.peer ? s.byIno.get(usk.peer) : undefined;
  if (peer && isPair(usk, peer)) {
    createPair(ctx, s, usk, peer);
    return s.open.get(usk.ino)!;
  }
  const sk = socket(AF_UNIX, usk.type | SOCK_CLOEXEC);
  finishSocket(ctx, s, usk, sk);
  if (usk.name.length) bindName(ctx, sk, usk);
  if (usk.state === TCP_LISTEN) listen(sk, usk.backlog);
  if (peer) {
    // A named socket of its own: a listener (the connection was not accepted yet), a datagram
    // server, or a socket outside the tree (USK_EXTERN), which is only connected to.
    if (!(peer.uflags & USK_EXTERN)) create(ctx, s, peer);
    connect(sk, peerAddress(peer));
    // Not accepted when dumped: what it had sent is recorded on it, to be sent again.
    if (peer.state === TCP_LISTEN) sendAll(ctx, sk, s.queues.get(usk.id) ?? [], usk.type);
  } else if (s.queues.get(usk.id)?.length) {
    refillByName(ctx, s, usk);
  }
  finishSocketState(sk, usk);
  return sk;
}

export const unixSocket: FdKind<UnixSockets> = {
  type: 'UNIXSK',
  newState: (options) => new UnixSockets(options),
  dump: {
    matches: (fd) => socketDomain(fd) === AF_UNIX,
    dump(fd, { files, state, dumpPassedFd }) {
      return files.shared(fd.fileKey, (id) => {
        const sk = state.diagOf(fd.info.ino);
        // An abstract name keeps every byte; a path loses the NUL the kernel counts.
        const name = sk.name ? (sk.name[0] === 0 ? sk.name : trimNul(sk.name)) : Buffer.alloc(0);
        // opts is read once the socket is borrowed, below.
        const entry: Omit<UnixSkEntry, 'id' | 'opts'> = {
          ino: sk.ino, type: sk.type, state: sk.state, flags: fd.flags, uflags: 0,
          backlog: sk.wqueue, peer: sk.peer, fown: noOwner(), name,
        };
        const listener = state.listenerOf(sk.ino);
        // Its kernel peer has no inode; the listener is what restore connects it to again.
        if (listener) entry.peer = listener;
        if (sk.shutdown) entry.shutdown = sk.shutdown;
        const opts = withSocket(fd, (borrowed) => {
          if (name.length && name[0] !== 0) Object.assign(entry, placeName(fd.pid, borrowed, name.toString(), sk.vfs?.ino));
          const opts = dumpSocketOpts(borrowed, AF_UNIX);
          // A stream or seqpacket socket reads only once connected (else EINVAL/ENOTCONN); a listener's queue holds connections.
          if (sk.type === SOCK_DGRAM || sk.state === TCP_ESTABLISHED) {
            const queued = peekQueue(borrowed, sk.type, (sk.shutdown & RCV_SHUTDOWN) !== 0);
            if (queued.length && opts.so_passcred) {
              for (const p of queued) for (const passed of p.fds) fs.closeSync(passed);
              // Re-sent by the restore, they would carry its pid and ids instead of their senders'.
              throw new Error(`criu-ts: unix socket ${sk.ino} (fd ${fd.fd} of ${fd.pid}) has ${queued.length} packet(s) queued with their senders' credentials (SO_PASSCRED), which cannot be restored yet; dump once they are read`);
            }
            for (const p of queued) state.queuePacket(id, p, dumpPassedFd);
          }
          return opts;
        });
        files.add('UNIXSK', 'usk', id, { ...entry, opts });
        state.add(sk.ino, entry.peer, { pid: fd.pid, fd: fd.fd }, listener && sk.wqueue ? id : undefined);
      });
    },
  },
  restore: {
    check(tree, fileId) {
      const usk = fileEntry(tree, fileId, 'UNIXSK').usk;
      const { type, state } = usk;
      if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) throw new Error(`criu-ts: unix socket ${usk.ino} has type ${type}, which cannot be restored`);
      if (state !== TCP_ESTABLISHED && state !== TCP_CLOSE && state !== TCP_LISTEN) throw new Error(`criu-ts: unix socket ${usk.ino} is in state ${state}, which cannot be restored`);
      checkSocketOpts(usk.opts, `unix socket ${usk.ino}`);
      const peer = usk.peer ? indexByIno(tree).get(usk.peer) : undefined;
      if (usk.peer && !peer) {
        throw new Error(`criu-ts: unix socket ${usk.ino} is connected to socket ${usk.peer}, which is not in the images`);
      }
    },
    open(ctx, fileId) {
      const usk = fileEntry(ctx.tree, fileId, 'UNIXSK').usk;
      return create(ctx, unixState(ctx), usk);
    },
  },
};
