// Unix sockets: two mutual peers become one socketpair; a listener is bound and listens;
// a socket whose peer is a named socket (a listener's unaccepted connection, a datagram
// server, a socket outside the tree) connects to that name. Queued packets (sk-queues.img,
// with the files they pass) are re-sent through the peer, or to the name of a datagram
// socket that has none; then the shutdowns are applied. Names are bound where they were: relative paths
// from name_dir, a stale socket file at the path is removed first.
import fs from 'node:fs';
import path from 'node:path';
import { readImage, type Entry } from '../../images/index.js';
import { fcntl } from '../../sys/proc-ops.js';
import {
  AF_UNIX, bind, connect, listen, send, sendFds, shutdown, SHUT_RD, SHUT_WR, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, sockaddrUn,
  socket, socketpair, SOCK_CLOEXEC,
} from '../../sys/socket.js';
import { fileEntry, type TreeImages } from '../task-images.js';
import type { FdKind, OpenContext } from './kinds.js';
import { applySocketOpts, checkSocketOpts } from './socket-opts.js';

const TCP_ESTABLISHED = 1;
const TCP_CLOSE = 7;
const TCP_LISTEN = 10;
const RCV_SHUTDOWN = 1;
const SCM_RIGHTS = 1;
const USK_EXTERN = 1;
const SEND_SHUTDOWN = 2;
const O_ACCMODE = 3;
const F_SETFL = 4;

interface Packet {
  data: Buffer;
  /** File ids passed with it (SCM_RIGHTS). */
  rights: number[];
}

interface UnixRestore {
  /** usk entries by socket inode (file id in .id). */
  byIno: Map<number, Entry>;
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
    const img = readImage(ctx.tree.dir, 'sk-queues.img');
    img.entries.forEach((e, i) => {
      const list = s!.queues.get(e['id_for']) ?? [];
      const rights = (e['scm'] ?? []).flatMap((m: Entry) => {
        if (m['type'] !== SCM_RIGHTS) throw new Error(`criu-ts: sk-queues.img: control message type ${m['type']} cannot be restored`);
        return m['rights'] as number[];
      });
      list.push({ data: img.payloads[i] ?? Buffer.alloc(0), rights });
      s!.queues.set(e['id_for'], list);
    });
  }
  ctx.state.set('unix-sockets', s);
  return s;
}

function indexByIno(tree: TreeImages): Map<number, Entry> {
  const out = new Map<number, Entry>();
  for (const f of tree.files.values()) if (f['type'] === 'UNIXSK') out.set(f['usk']['ino'], f['usk']);
  return out;
}

const isPath = (name: Buffer): boolean => name.length > 0 && name[0] !== 0;

/** Binds sk to the entry's name: a path from its directory (stale socket file removed), or an abstract name. */
function bindName(sk: number, usk: Entry): void {
  const name: Buffer = usk['name'];
  if (!isPath(name)) {
    bind(sk, sockaddrUn(name));
    return;
  }
  const dir: string = usk['name_dir'] ?? '/';
  const full = path.resolve(dir, name.toString());
  const st = fs.lstatSync(full, { throwIfNoEntry: false });
  if (st?.isSocket()) fs.unlinkSync(full);
  else if (st) throw new Error(`criu-ts: cannot bind unix socket ${usk['ino']} to ${full}: a file that is not a socket is there`);
  // A relative name stays relative (getsockname shows it as bound): bind from its directory.
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    bind(sk, sockaddrUn(name));
  } finally {
    process.chdir(cwd);
  }
  const perms = usk['file_perms'];
  if (perms) {
    fs.chmodSync(full, perms['mode'] & 0o7777);
    fs.chownSync(full, perms['uid'], perms['gid']);
  }
}

/** The address to connect to for a peer with this name. */
function peerAddress(peer: Entry): Buffer {
  const name: Buffer = peer['name'];
  if (!isPath(name)) return sockaddrUn(name);
  return sockaddrUn(Buffer.from(path.resolve(peer['name_dir'] ?? '/', name.toString())));
}

/** Two mutual peers with no listener between them: restored as one socketpair. */
function isPair(usk: Entry, peer: Entry | undefined): peer is Entry {
  return peer !== undefined && peer['peer'] === usk['ino'] && usk['state'] !== TCP_LISTEN && peer['state'] !== TCP_LISTEN;
}

function finishSocket(ctx: OpenContext, s: UnixRestore, usk: Entry, sk: number): void {
  ctx.opened.push(sk);
  s.open.set(usk['ino'], sk);
  applySocketOpts(sk, usk['opts']);
  fcntl(sk, F_SETFL, Number(usk['flags']) & ~O_ACCMODE);
}

function sendAll(ctx: OpenContext, from: number, packets: Packet[], type: number): void {
  for (const { data, rights } of packets) {
    const fds = rights.map((id) => {
      if (!ctx.openFile) throw new Error('criu-ts: files passed in a socket queue need OpenContext.openFile');
      return ctx.openFile(id);
    });
    let done = fds.length ? sendFds(from, data, fds) : send(from, data);
    if (type === SOCK_STREAM) {
      while (done < data.length) done += send(from, data.subarray(done));
    } else if (done !== data.length) {
      throw new Error(`criu-ts: a queued packet of ${data.length} bytes could not be re-sent whole`);
    }
  }
}

/** sk_shutdown values (decoded as names, encoded as numbers). */
const shutdownBits: Record<string, number> = { NONE: 0, READ: RCV_SHUTDOWN, WRITE: SEND_SHUTDOWN, BOTH: RCV_SHUTDOWN | SEND_SHUTDOWN };

function applyShutdown(sk: number, usk: Entry): void {
  const v = usk['shutdown'] ?? 0;
  const how = typeof v === 'string' ? shutdownBits[v] ?? 0 : Number(v);
  if (how & SEND_SHUTDOWN) shutdown(sk, SHUT_WR);
  if (how & RCV_SHUTDOWN) shutdown(sk, SHUT_RD);
}

function createPair(ctx: OpenContext, s: UnixRestore, a: Entry, b: Entry): void {
  const [fa, fb] = socketpair(AF_UNIX, Number(a['type']) | SOCK_CLOEXEC);
  finishSocket(ctx, s, a, fa);
  finishSocket(ctx, s, b, fb);
  if (a['name']?.length) bindName(fa, a);
  if (b['name']?.length) bindName(fb, b);
  sendAll(ctx, fb, s.queues.get(a['id']) ?? [], Number(a['type']));
  sendAll(ctx, fa, s.queues.get(b['id']) ?? [], Number(b['type']));
  applyShutdown(fa, a);
  applyShutdown(fb, b);
}

/** A named datagram socket's queue, from senders it was not connected to: sent again to its name. */
function refillByName(ctx: OpenContext, s: UnixRestore, usk: Entry): void {
  if (Number(usk['type']) !== SOCK_DGRAM || !usk['name']?.length) {
    throw new Error(`criu-ts: unix socket ${usk['ino']} has queued data but no peer in the images to re-send it from`);
  }
  const sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
  try {
    connect(sender, peerAddress(usk));
    sendAll(ctx, sender, s.queues.get(usk['id'])!, SOCK_DGRAM);
  } finally {
    fs.closeSync(sender);
  }
}

function create(ctx: OpenContext, s: UnixRestore, usk: Entry): number {
  const done = s.open.get(usk['ino']);
  if (done !== undefined) return done;
  const peer = usk['peer'] ? s.byIno.get(usk['peer']) : undefined;
  if (isPair(usk, peer)) {
    createPair(ctx, s, usk, peer);
    return s.open.get(usk['ino'])!;
  }
  const sk = socket(AF_UNIX, Number(usk['type']) | SOCK_CLOEXEC);
  finishSocket(ctx, s, usk, sk);
  if (usk['name']?.length) bindName(sk, usk);
  if (usk['state'] === TCP_LISTEN) listen(sk, Number(usk['backlog']));
  if (peer) {
    // A named socket of its own: a listener (the connection was not accepted yet), a datagram
    // server, or a socket outside the tree (USK_EXTERN), which is only connected to.
    if (!(Number(peer['uflags']) & USK_EXTERN)) create(ctx, s, peer);
    connect(sk, peerAddress(peer));
    // Not accepted when dumped: what it had sent is recorded on it, to be sent again.
    if (peer['state'] === TCP_LISTEN) sendAll(ctx, sk, s.queues.get(usk['id']) ?? [], Number(usk['type']));
  } else if (s.queues.get(usk['id'])?.length) {
    refillByName(ctx, s, usk);
  }
  applyShutdown(sk, usk);
  return sk;
}

export const unixSocketFile: FdKind = {
  type: 'UNIXSK',
  check(tree, fileId) {
    const usk = fileEntry(tree, fileId, 'UNIXSK')['usk'];
    const type = Number(usk['type']);
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) throw new Error(`criu-ts: unix socket ${usk['ino']} has type ${type}, which cannot be restored`);
    const state = Number(usk['state']);
    if (state !== TCP_ESTABLISHED && state !== TCP_CLOSE && state !== TCP_LISTEN) throw new Error(`criu-ts: unix socket ${usk['ino']} is in state ${state}, which cannot be restored`);
    checkSocketOpts(usk['opts'], `unix socket ${usk['ino']}`);
    const peer = usk['peer'] ? indexByIno(tree).get(usk['peer']) : undefined;
    if (usk['peer'] && !peer) {
      throw new Error(`criu-ts: unix socket ${usk['ino']} is connected to socket ${usk['peer']}, which is not in the images`);
    }
  },
  open(ctx, fileId) {
    const usk = fileEntry(ctx.tree, fileId, 'UNIXSK')['usk'];
    return create(ctx, unixState(ctx), usk);
  },
};
