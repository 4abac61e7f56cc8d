// Unix sockets: an UNIXSK file entry per socket, from unix_diag (type, state, name, peer,
// shutdown, backlog) and getsockopt (options); what waits in its receive queue goes to
// sk-queues.img. A peer must be dumped too (else --ext-unix-sk), checked once every task
// is dumped (finishUnixSockets).
import fs from 'node:fs';
import path from 'node:path';
import { writeImage, type Entry } from '../images/index.js';
import { parseUnixDiag, type UnixDiag, unixDiagRequest } from '../proc/net-unix-diag.js';
import { AF_UNIX, sockDiag } from '../sys/socket.js';
import { noOwner } from './file-table.js';
import type { FdDumper } from './files.js';
import { peekQueue } from './sk-queue.js';
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
}

export const newUnixSocketsState = (): UnixSocketsState => ({ dumped: new Map(), queues: [] });

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
        // Not accepted yet: its kernel peer has no inode; it names the listener instead, to
        // be connected to it again at restore. What it sent waits in that peer, unreadable.
        if (sk.wqueue) throw fd.unsupported('a unix connection not yet accepted, with data sent,');
        entry['peer'] = listener;
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
          for (const payload of peekQueue(borrowed, sk.type, (sk.shutdown & RCV_SHUTDOWN) !== 0)) {
            state.queues.push({ entry: { id_for: id, length: payload.length }, payload });
          }
        }
      });
      files.add('UNIXSK', 'usk', id, entry);
      state.dumped.set(sk.ino, entry['peer']);
    });
  },
};

/** Mode and owner of the bound socket file, if it is still the file the socket made. */
function filePerms(pid: number, name: string, ino: number): Entry | undefined {
  const st = fs.statSync(path.resolve(fs.readlinkSync(`/proc/${pid}/cwd`), name), { throwIfNoEntry: false });
  if (!st || st.ino !== ino) return undefined;
  return { mode: st.mode, uid: st.uid, gid: st.gid };
}

/**
 * Once every task is dumped: throws unless each dumped socket's peer was dumped too (or
 * allowExternal), then writes sk-queues.img.
 */
export function finishUnixSockets(dir: string, state: UnixSocketsState, allowExternal: boolean): void {
  for (const [ino, peer] of state.dumped) {
    if (peer === 0 || state.dumped.has(peer) || allowExternal) continue;
    throw new Error(`criu-ts: unix socket ${ino} is connected to socket ${peer}, which is outside the dumped tree; use --ext-unix-sk to dump it anyway`);
  }
  if (state.queues.length) writeImage(dir, 'sk-queues.img', 'sk-queues', state.queues.map((q) => q.entry), state.queues.map((q) => q.payload));
}
