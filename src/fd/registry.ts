// The one table of fd kinds. At dump, the first kind whose dump half (or refusal) matches
// an fd takes it, so the order matters: terminals and FIFOs before plain paths, memfds
// before unlinked files. At restore, a file entry goes to the kind of its type.
// fd-kinds.test.ts checks the table against fd_types of fdinfo.proto.
import { eventfd } from './eventfd.js';
import { eventpoll } from './eventpoll.js';
import { fanotify } from './fanotify.js';
import { fifo } from './fifo.js';
import { inetSocket } from './inet-socket.js';
import { inotify } from './inotify.js';
import type { FdKind, FdRestorer, KindDumpState } from './kind.js';
import { memfd } from './memfd.js';
import { netlinkSocket } from './netlink-socket.js';
import { nsFile } from './ns-file.js';
import { packetSocket } from './packet-socket.js';
import { pidfd } from './pidfd.js';
import { pipe } from './pipe.js';
import { regFile } from './reg-file.js';
import { refusals } from './refused.js';
import { signalfd } from './signalfd.js';
import { timerfd } from './timerfd.js';
import { tty } from './tty.js';
import { unixSocket } from './unix-socket.js';

type AnyKind = FdKind<KindDumpState | undefined>;

export const fdKinds: readonly AnyKind[] = [
  ...refusals,
  tty, fifo, memfd, regFile, pipe, eventfd, signalfd, timerfd, inotify, fanotify, eventpoll, unixSocket, inetSocket, netlinkSocket, packetSocket, nsFile, pidfd,
] as AnyKind[];

const restorers = new Map<string, FdRestorer>();
for (const k of fdKinds) if (k.restore) restorers.set(k.type, k.restore);

/** The restore half for a file_entry type, or an error that says why there is none. */
export function restorerOf(type: string, what: string): FdRestorer {
  const kind = restorers.get(type);
  if (kind) return kind;
  const refusal = fdKinds.find((k) => k.type === type && k.refuse)?.refuse;
  throw new Error(`criu-ts: ${what} is ${refusal ? `${refusal.what} (${type})` : `of type ${type}`}, which cannot be restored yet`);
}
