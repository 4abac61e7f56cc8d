// The fd table of a task: fdinfo-<files_id>.img (one entry per fd) and the file entries
// they point to, through one dumper per kind of file. Kinds not handled yet are refused
// with an error that names the fd and what it is.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { parseFdInfo, type FdInfo } from '../proc/fdinfo.js';
import { kcmpFiles } from '../sys/proc-ops.js';
import type { FileTable } from './file-table.js';
import { eventfd } from './eventfd.js';
import { eventpoll } from './eventpoll.js';
import { fifo } from './fifo.js';
import { memfd } from './memfd.js';
import { ghostFile } from './ghost-file.js';
import { inotify } from './inotify.js';
import { pipe } from './pipe.js';
import { regFile } from './reg-file.js';
import { inetSocket, newTcpDumpState, type TcpDumpState } from './inet-socket.js';
import { newUnixSocketsState, unixSocket, type UnixSocketsState } from './unix-socket.js';
import { signalfd } from './signalfd.js';
import { timerfd } from './timerfd.js';
import { tty } from './tty.js';

export interface OpenFd {
  pid: number;
  fd: number;
  /** readlink of /proc/PID/fd/N: a path, "pipe:[ino]", "socket:[ino]", "anon_inode:..." */
  link: string;
  info: FdInfo;
  /** The file's status flags (O_CLOEXEC removed: it belongs to the fd). */
  flags: number;
  /** stat(2) of the open file (not of whatever its path names now). */
  stat(): fs.Stats;
  /** Identifies the open file description: fds sharing one share a key. */
  fileKey: string;
  unsupported(what: string): Error;
}

/** State shared by every fd of a dump (not per file). */
export interface FilesDumpState {
  /** The tree is attached to our terminal (--shell-job): its terminal fds may be dumped. */
  shellJob: boolean;
  pipesSeen: Set<number>;
  pipeData: { entry: Entry; payload: Buffer }[];
  fifosSeen: Set<number>;
  fifoData: { entry: Entry; payload: Buffer }[];
  /** tty-info.img entries, one per terminal. */
  ttyInfos: Entry[];
  /** Ghost file numbers by "dev:ino" of the unlinked file. */
  ghosts: Map<string, number>;
  /** Further images, written as they are (ghost-file-<n>.img, remap-fpath.img). */
  images: { file: string; kind: string; entries: Entry[]; payloads: (Buffer | undefined)[] }[];
  unixSockets: UnixSocketsState;
  /** Dumps a file passed to us (fd in this process, e.g. in flight in a socket); returns its id. */
  dumpPassedFd: (fd: number) => number;
  tcp: TcpDumpState;
}

export interface FdDumper {
  /** fdinfo_entry type name. */
  kind: string;
  matches(fd: OpenFd): boolean;
  /** Adds the file's entry (once per open file description) and returns its id. */
  dump(fd: OpenFd, files: FileTable, state: FilesDumpState): number;
}

// Order matters: the first that matches takes the fd (terminals before plain paths).
const dumpers: FdDumper[] = [tty, fifo, memfd, ghostFile, regFile, pipe, eventfd, signalfd, timerfd, inotify, eventpoll, unixSocket, inetSocket];

const FD_CLOEXEC = 1;
const O_CLOEXEC = 0o2000000;

/** Finds an earlier fd (of any dumped task) on the same open file description. */
class Descriptions {
  private readonly seen: { pid: number; fd: number; link: string; ino: number; key: string }[] = [];
  keyOf(pid: number, fd: number, link: string, ino: number): string {
    for (const s of this.seen) {
      if (s.link === link && s.ino === ino && kcmpFiles(s.pid, pid, s.fd, fd)) return s.key;
    }
    const key = `fd:${pid}:${fd}`;
    this.seen.push({ pid, fd, link, ino, key });
    return key;
  }
}

export class FilesDumper {
  readonly state: FilesDumpState;
  private readonly descriptions = new Descriptions();

  constructor(private readonly files: FileTable, shellJob: boolean) {
    this.state = { shellJob, pipesSeen: new Set(), pipeData: [], fifosSeen: new Set(), fifoData: [], ttyInfos: [], ghosts: new Map(), images: [], unixSockets: newUnixSocketsState(),
      dumpPassedFd: (fd) => this.dumpFd(process.pid, fd)['id'], tcp: newTcpDumpState(false) };
  }

  /** fdinfo entries of task pid, in fd order. */
  dumpFds(pid: number): Entry[] {
    const fds = fs.readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
    return fds.map((n) => this.dumpFd(pid, n));
  }

  /** The fdinfo entry of fd n of task pid, its file dumped. */
  private dumpFd(pid: number, n: number): Entry {
    const link = fs.readlinkSync(`/proc/${pid}/fd/${n}`);
    const info = parseFdInfo(fs.readFileSync(`/proc/${pid}/fdinfo/${n}`, 'utf8'));
    const fd: OpenFd = {
      pid, fd: n, link, info, flags: info.flags & ~O_CLOEXEC,
      stat: () => fs.statSync(`/proc/${pid}/fd/${n}`),
      fileKey: this.descriptions.keyOf(pid, n, link, info.ino),
      unsupported: (what) => new Error(`criu-ts: cannot dump fd ${n} of ${pid} (${link}): ${what} is not supported yet`),
    };
    const dumper = dumpers.find((d) => d.matches(fd));
    if (!dumper) throw fd.unsupported(link.replace(/:.*$/, '') || 'this kind of file');
    const id = dumper.dump(fd, this.files, this.state);
    return { id, flags: info.flags & O_CLOEXEC ? FD_CLOEXEC : 0, type: dumper.kind, fd: n };
  }
}
