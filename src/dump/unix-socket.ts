// Unix sockets: an UNIXSK file entry per socket, from unix_diag (type, state, name, peer,
// shutdown, backlog) and getsockopt (options); what waits in its receive queue goes to
// sk-queues.img. A peer must be dumped too (else --ext-unix-sk), checked once every task
// is dumped (finishUnixSockets).
// A connection not accepted yet names its listener as peer. What it sent waits in a
// socket no task holds: only accept() reaches it, which would change the task's state, so
// it is read once the tree is dead, from our own copy of the listener (UnixSocketsFinish).
import fs from 'node:fs';
import path from 'node:path';
import { writeImage, type Entry } from '../images/index.js';
import { parseUnixDiag, type UnixDiag, unixDiagRequest } from '../proc/net-unix-diag.js';
import { pidfdGetfd, pidfdOpen } from '../sys/proc-ops.js';
import { accept4, AF_UNIX, SOCK_CLOEXEC, SOCK_NONBLOCK, sockDiag } from '../sys/socket.js';
import { type FileTable, noOwner } from './file-table.js';
import type { FdDumper, FilesDumpState } from './files.js';
import { peekQueue, type QueuedPacket } from './sk-queue.js';
import { dumpSocketOpts, socketDomain, withSocket } from './socket-opts.js';

const TCP_LISTEN = 10;
const RCV_SHUTDOWN = 1;

/** Unix socket state of one dump. */
export interface UnixSocketsState {
  /** Every unix socket of our network namespace, read on first use. */
  diag?: Map<number, UnixDiag>;
  /** Dumped sockets: inode -> peer inode (0 for none). */
  dumped: Map<number, number>;
  /** sk-queues.img entries with their payloads. */
  queues: { entry: Entry; payload: Buffer }[];
  /** Where each dumped socket was found: inode -> task and fd. */
  found: Map<number, { pid: number; fd: number }>;
  /** Unaccepted connections that sent data: client inode -> its file id. */
  unacceptedWithData: Map<number, number>;
}

export const newUnixSocketsState = (): UnixSocketsState => ({ dumped: new Map(), queues: [], found: new Map(), unacceptedWithData: new Map() });

/** The listener in whose queue the connection of socket ino waits (unix_diag lists clients as its icons). */
function listenerOf(state: UnixSocketsState, ino: number): number | undefined {
  for (const l of state.diag!.values()) if (l.state === TCP_LISTEN && l.icons.includes(ino)) return l.ino;
  return undefined;
}

function diagOf(state: UnixSocketsState, ino: number): UnixDiag {
  state.diag ??= parseUnixDiag(sockDiag(unixDiagRequest()));
  const sk = state.diag.get(ino);
  if (!sk) throw new Error(`criu-ts: unix socket ${ino} is not in unix_diag (another network namespace?)`);
  return sk;
}

const trimNul = (b: Buffer): Buffer => {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
};

export const unixSocket: FdDumper = {
  kind: 'UNIXSK',
  matches: (fd) => socketDomain(fd) === AF_UNIX,
  dump(fd, files, extra) {
    const state = extra.unixSockets;
    return files.shared(fd.fileKey, (id) => {
      const sk = diagOf(state, fd.info.ino);
      // An abstract name keeps every byte; a path loses the NUL the kernel counts.
      const name = sk.name ? (sk.name[0] === 0 ? sk.name : trimNul(sk.name)) : Buffer.alloc(0);
      const entry: Entry = {
        ino: sk.ino, type: sk.type, state: sk.state, flags: fd.flags, uflags: 0,
        backlog: sk.wqueue, peer: sk.peer, fown: noOwner(), opts: {}, name,
      };
      const listener = listenerOf(state, sk.ino);
      if (listener) {
        // Its kernel peer has no inode; the listener is what restore connects it to again.
        entry['peer'] = listener;
        if (sk.wqueue) state.unacceptedWithData.set(sk.ino, id);
      }
      if (sk.shutdown) entry['shutdown'] = sk.shutdown;
      if (name.length && name[0] !== 0) {
        if (!path.isAbsolute(name.toString())) entry['name_dir'] = fs.readlinkSync(`/proc/${fd.pid}/cwd`);
        const perms = sk.vfs && filePerms(fd.pid, name.toString(), sk.vfs.ino);
        if (perms) entry['file_perms'] = perms;
      }
      withSocket(fd, (borrowed) => {
        entry['opts'] = dumpSocketOpts(borrowed, AF_UNIX);
        if (sk.state !== TCP_LISTEN) {
          for (const p of peekQueue(borrowed, sk.type, (sk.shutdown & RCV_SHUTDOWN) !== 0)) queuePacket(state, id, p, extra.dumpPassedFd);
        }
      });
      files.add('UNIXSK', 'usk', id, entry);
      state.dumped.set(sk.ino, entry['peer']);
      state.found.set(sk.ino, { pid: fd.pid, fd: fd.fd });
    });
  },
};

const SCM_RIGHTS = 1;

/** files.img is written by the time unaccepted connections are read: what they pass cannot join it. */
const refusePassedFd = (): number => {
  throw new Error('criu-ts: files passed over a unix connection not accepted yet cannot be dumped yet');
};

/** Adds a sk-queues entry for packet p waiting on socket file `id`; files passed with it are dumped (and closed here). */
function queuePacket(state: UnixSocketsState, id: number, p: QueuedPacket, dumpPassedFd: (fd: number) => number): void {
  const entry: Entry = { id_for: id, length: p.data.length };
  try {
    if (p.fds.length) entry['scm'] = [{ type: SCM_RIGHTS, rights: p.fds.map(dumpPassedFd) }];
  } finally {
    for (const fd of p.fds) fs.closeSync(fd);
  }
  state.queues.push({ entry, payload: p.data });
}

/** Mode and owner of the bound socket file, if it is still the file the socket made. */
function filePerms(pid: number, name: string, ino: number): Entry | undefined {
  const st = fs.statSync(path.resolve(fs.readlinkSync(`/proc/${pid}/cwd`), name), { throwIfNoEntry: false });
  if (!st || st.ino !== ino) return undefined;
  return { mode: st.mode, uid: st.uid, gid: st.gid };
}

const USK_EXTERN = 1;

/**
 * An entry for a peer outside the tree (--ext-unix-sk), marked USK_EXTERN: restore
 * connects to its name again. Only a name that means the same from anywhere will do.
 */
function externalPeer(state: UnixSocketsState, table: FileTable, ino: number, peer: number): void {
  const sk = state.diag!.get(peer);
  const name = sk?.name && (sk.name[0] === 0 ? sk.name : trimNul(sk.name));
  if (!sk || !name?.length || (name[0] !== 0 && !path.isAbsolute(name.toString()))) {
    throw new Error(`criu-ts: unix socket ${ino} is connected to socket ${peer} outside the dumped tree, which has no absolute or abstract name to connect to again`);
  }
  table.shared(`unix-extern:${peer}`, (id) => table.add('UNIXSK', 'usk', id, {
    ino: peer, type: sk.type, state: sk.state, flags: 2, uflags: USK_EXTERN, backlog: 0, peer: 0, fown: noOwner(), name,
    opts: { so_sndbuf: 0, so_rcvbuf: 0, so_snd_tmo_sec: 0n, so_snd_tmo_usec: 0n, so_rcv_tmo_sec: 0n, so_rcv_tmo_usec: 0n },
  }));
}

/** What is left to do once the tree is dead (or to undo if it is released). */
export interface UnixSocketsFinish {
  /** Reads what unaccepted connections sent from our listener copies; writes sk-queues.img. */
  afterKill(): void;
  /** Drops the listener copies (the dump failed and the tree runs on). */
  close(): void;
}

/**
 * Once every task is dumped, the tree still frozen: throws unless each dumped socket's
 * peer was dumped too (or allowExternal); keeps a copy of each listener with unaccepted
 * connections that sent data (refused with leaveRunning: reading them needs accept()).
 */
export function finishUnixSockets(dir: string, files: FilesDumpState, table: FileTable, allowExternal: boolean, leaveRunning: boolean): UnixSocketsFinish {
  const state = files.unixSockets;
  for (const [ino, peer] of state.dumped) {
    if (peer === 0 || state.dumped.has(peer)) continue;
    if (!allowExternal) throw new Error(`criu-ts: unix socket ${ino} is connected to socket ${peer}, which is outside the dumped tree; use --ext-unix-sk to dump it anyway`);
    externalPeer(state, table, ino, peer);
  }
  const listeners = new Map<number, number>();
  const close = () => { for (const fd of listeners.values()) fs.closeSync(fd); listeners.clear(); };
  try {
    for (const client of state.unacceptedWithData.keys()) {
      if (leaveRunning) throw new Error(`criu-ts: unix socket ${client} sent data on a connection not accepted yet; it can be dumped only when the tree is not left running`);
      const listener = state.dumped.get(client)!;
      if (listeners.has(listener)) continue;
      const at = state.found.get(listener)!;
      const pidfd = pidfdOpen(at.pid);
      try {
        listeners.set(listener, pidfdGetfd(pidfd, at.fd));
      } finally {
        fs.closeSync(pidfd);
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  const write = () => {
    if (state.queues.length) writeImage(dir, 'sk-queues.img', 'sk-queues', state.queues.map((q) => q.entry), state.queues.map((q) => q.payload));
  };
  if (!listeners.size) write();
  return {
    afterKill() {
      if (!listeners.size) return;
      try {
        for (const [ino, fd] of listeners) readUnaccepted(state, state.diag!.get(ino)!, fd);
      } finally {
        close();
      }
      write();
    },
    close,
  };
}

/**
 * Accepts every queued connection of a listener (in queue order, as unix_diag listed
 * their clients) and records what each client sent, as queued on the client: it sends
 * it again once connected at restore.
 */
function readUnaccepted(state: UnixSocketsState, listener: UnixDiag, fd: number): void {
  for (const client of listener.icons) {
    const conn = accept4(fd, SOCK_NONBLOCK | SOCK_CLOEXEC);
    try {
      const id = state.unacceptedWithData.get(client);
      if (id === undefined) continue;
      for (const p of peekQueue(conn, listener.type, true)) queuePacket(state, id, p, refusePassedFd);
    } finally {
      fs.closeSync(conn);
    }
  }
}
