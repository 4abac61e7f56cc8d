// Terminals. Two cases are dumped, as CRIU dumps them (a TTY file naming a tty-info record
// with termios, window size, session, foreground group and pty index, and a REG entry for its
// path): pseudo-terminal pairs the tree holds both ends of (./pty-pair.ts), and a slave the
// tree got from its shell (--shell-job), whose master is outside. Restore (with --shell-job
// again) puts a shell job on the terminal criu-ts itself runs on: each such fd is an open of
// our controlling terminal, which gets the dumped termios and window size, and the task that
// led the terminal's foreground group takes the foreground back (see foregroundOf).
// Other terminals (consoles, virtual terminals, serial lines) are refused.
import fs from 'node:fs';
import { ImageError, readImage, writeImage } from '../images/index.js';
import type { TtyFileEntry, TtyInfoEntry } from '../images/entries.js';
import { parseStat } from '../proc/stat.js';
import { O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC } from '../sys/fcntl.js';
import { borrowFd, dup3 } from '../sys/proc-ops.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdDumpOptions, FdKind, KindDumpState, OpenContext, OpenFd } from './kind.js';
import {
  applySettings, checkPair, isPtyMaster, isPtySlave, major, masterIndex, minor, openPairEnd, pairOfInfo, ptyIndex, PtyPairs, readSettings,
} from './pty-pair.js';

const TTY_MAJORS = new Set([4, 5, 136, 137, 138, 139, 140, 141, 142, 143]);

/** What a terminal that is no pseudo-terminal is, as a refusal names it. */
export function otherTerminal(rdev: number): string {
  const [maj, min] = [major(rdev), minor(rdev)];
  const kind = maj === 5 && min === 0 ? '/dev/tty (the controlling terminal by its generic name)'
    : maj === 5 && min === 1 ? 'the system console (/dev/console)'
    : maj === 4 && min < 64 ? `a virtual terminal (/dev/tty${min})`
    : maj === 4 ? `a serial line (/dev/ttyS${min - 64})`
    : 'a terminal other than a pseudo-terminal';
  return `${kind}, device ${maj}:${min},`;
}

/** True for the character devices that are terminals. */
export function isTerminal(st: fs.Stats): boolean {
  return st.isCharacterDevice() && TTY_MAJORS.has(major(st.rdev));
}

/**
 * The session and foreground group of terminal rdev if it is the controlling terminal of fd's
 * task: only a task of that session may ask the terminal, but /proc tells them for the task.
 */
function sessionOf(fd: OpenFd, rdev: number): Pick<TtyInfoEntry, 'sid' | 'pgrp'> {
  const stat = parseStat(fs.readFileSync(`/proc/${fd.pid}/stat`, 'utf8'));
  const ctty = !isPtyMaster(rdev) && stat.ttyNr === rdev;
  return { sid: ctty ? stat.sid : 0, pgrp: ctty && stat.tpgid > 0 ? stat.tpgid : 0 };
}

function ttyInfo(fd: OpenFd, id: number, st: fs.Stats, index: number): TtyInfoEntry {
  return {
    id, type: 'PTY', ...sessionOf(fd, st.rdev), rdev: st.rdev,
    ...withBorrowed(fd, (own) => readSettings(own, { master: isPtyMaster(st.rdev) })),
    pty: { index }, uid: st.uid, gid: st.gid, dev: st.dev,
  };
}

/** The terminals of one dump: a tty-info.img entry each, and the pairs whose queues go to tty-data.img. */
export class TtyInfos implements KindDumpState {
  readonly entries: TtyInfoEntry[] = [];
  readonly pairs = new PtyPairs();

  constructor(private readonly options: FdDumpOptions) {}

  finish({ dir }: { dir: string }): void {
    const { shellJob, external } = this.options;
    const data = this.pairs.drainAll((slave) => shellJob || external.has(ttyKey(slave.stat().rdev, slave.stat().dev)));
    if (this.entries.length) writeImage(dir, 'tty-info.img', 'tty-info', this.entries);
    if (data.length) writeImage(dir, 'tty-data.img', 'tty-data', data);
  }

  resumed(): void {
    this.pairs.resumed((msg) => this.options.log.warn(msg));
  }

  close(): void {
    this.pairs.close();
  }
}

const infoCache = new WeakMap<TreeImages, Map<number, TtyInfoEntry>>();

/** tty-info.img entry `id`. */
function ttyInfoOf(tree: TreeImages, id: number): TtyInfoEntry {
  let m = infoCache.get(tree);
  if (!m) {
    m = new Map(readImage(tree.dir, 'tty-info.img', 'tty-info').entries.map((e) => [e.id, e]));
    infoCache.set(tree, m);
  }
  const info = m.get(id);
  if (!info) throw new ImageError('tty-info.img', 0, `a tty_info_entry with id ${id}`);
  return info;
}

const infoOf = (tree: TreeImages) => (id: number) => ttyInfoOf(tree, id);

/** A terminal's key, as --external and --inherit-fd name it (hex st_rdev and st_dev of its slave). */
export const ttyKey = (rdev: number, dev: number): string => `tty[${rdev.toString(16)}:${dev.toString(16)}]`;

/** The key of terminal file fileId (none for a master, or an image without the slave's device). */
export function terminalKey(tree: TreeImages, fileId: number): string | undefined {
  const { info } = ttyOf(tree, fileId);
  return info.dev !== undefined && !isPtyMaster(info.rdev) ? ttyKey(info.rdev, info.dev) : undefined;
}

const ttyOf = (tree: TreeImages, fileId: number): { tty: TtyFileEntry; info: TtyInfoEntry } => {
  const tty = fileEntry(tree, fileId, 'TTY').tty;
  return { tty, info: ttyInfoOf(tree, tty.tty_info_id) };
};

/** Our stdio fds that are our controlling terminal (rdev). */
function stdioOnTerminal(rdev: number): number[] {
  return [0, 1, 2].filter((fd) => {
    const st = fs.statSync(`/proc/self/fd/${fd}`, { throwIfNoEntry: false });
    return st?.isCharacterDevice() && st.rdev === rdev;
  });
}

/**
 * Node puts back, as it exits, the termios its stdio terminal had when it started, which
 * would undo the settings a shell-job restore gave the terminal. It does so only while the
 * fd still is the file it started with: our stdio on the terminal becomes an open of
 * /dev/tty instead (the same terminal, another file).
 */
export function keepTerminalSettings(tree: TreeImages): void {
  if (![...tree.files.values()].some((f) => f.type === 'TTY')) return;
  const rdev = parseStat(fs.readFileSync('/proc/self/stat', 'utf8')).ttyNr;
  for (const fd of stdioOnTerminal(rdev)) {
    const tty = fs.openSync('/dev/tty', fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    try {
      dup3(tty, fd);
    } finally {
      fs.closeSync(tty);
    }
  }
}

/** The controlling terminal of criu-ts: a path that opens that very device. */
function ourTerminal(): string {
  const rdev = parseStat(fs.readFileSync('/proc/self/stat', 'utf8')).ttyNr;
  if (!rdev) throw new Error('criu-ts: restoring a shell job (-j) needs a terminal, and criu-ts has no controlling terminal');
  if (isPtySlave(rdev)) return `/dev/pts/${ptyIndex(rdev)}`;
  const [fd] = stdioOnTerminal(rdev);
  return fd === undefined ? '/dev/tty' : fs.readlinkSync(`/proc/self/fd/${fd}`);
}

// Flags open(2) takes only at creation, and O_NOCTTY: the terminal is ours already.
const REOPEN_DROPPED = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC;

function openTerminal(ctx: OpenContext, fileId: number): number {
  const { tty, info } = ttyOf(ctx.tree, fileId);
  const fd = fs.openSync(ourTerminal(), tty.flags & ~REOPEN_DROPPED);
  ctx.opened.push(fd);
  const key = `tty-settings:${info.id}`;
  if (!ctx.state.has(key)) {
    ctx.state.set(key, true);
    applySettings(fd, info);
  }
  return fd;
}

/** The session whose controlling terminal file fileId is, if it is the slave of a pair the tree holds or one handed in (inherited); 0 otherwise. */
export function pairSessionOf(tree: TreeImages, fileId: number, inherited: ReadonlyMap<string, number> = new Map()): number {
  const { info } = ttyOf(tree, fileId);
  if (isPtyMaster(info.rdev)) return 0;
  const key = inherited.size ? terminalKey(tree, fileId) : undefined;
  return pairOfInfo(tree, info, infoOf(tree)) || (key !== undefined && inherited.has(key)) ? info.sid : 0;
}

/**
 * The foreground process group of the terminal file fileId when it was dumped, if it was
 * the controlling terminal of its session then; 0 otherwise.
 */
export function foregroundOf(tree: TreeImages, fileId: number): number {
  const { info } = ttyOf(tree, fileId);
  return info.sid ? info.pgrp : 0;
}

export const tty: FdKind<TtyInfos> = {
  type: 'TTY',
  newState: (options) => new TtyInfos(options),
  dump: {
    matches: (fd) => fd.link.startsWith('/') && isTerminal(fd.stat()),
    dump(fd, { files, state }) {
      const st = fd.stat();
      const master = isPtyMaster(st.rdev);
      if (!master && !isPtySlave(st.rdev)) throw fd.unsupported(otherTerminal(st.rdev));
      // A master's rdev is ptmx's: the pair it opened is told by its index (and its description).
      const index = master ? withBorrowed(fd, masterIndex) : ptyIndex(st.rdev);
      const infoKey = master ? `tty-info:${fd.fileKey}` : `tty-info:${st.rdev}`;
      let info: TtyInfoEntry | undefined;
      const infoId = files.shared(infoKey, (id) => state.entries.push((info = ttyInfo(fd, id, st, index))));
      if (!info) {
        // Another holder may be in the session whose controlling terminal this is.
        info = state.entries.find((e) => e.id === infoId)!;
        if (!master && !info.sid) Object.assign(info, sessionOf(fd, st.rdev));
      }
      if (master) state.pairs.addMaster(index, { fd, info });
      else state.pairs.addSlave(index, { fd, info });
      const regfId = files.pathFile(fd.link, fd.flags, `/proc/${fd.pid}/fd/${fd.fd}`);
      return files.shared(fd.fileKey, (id) => files.add('TTY', 'tty', id, { tty_info_id: infoId, flags: fd.flags, fown: noOwner(), regf_id: regfId }));
    },
  },
  restore: {
    check(tree, fileId, options) {
      const { info } = ttyOf(tree, fileId);
      if (info.type !== 'PTY') throw new Error(`criu-ts: terminal file ${fileId} is a ${info.type} terminal; only pseudo-terminals can be restored yet`);
      const pair = pairOfInfo(tree, info, infoOf(tree));
      if (pair) return checkPair(tree, pair, infoOf(tree));
      if (isPtyMaster(info.rdev)) throw new ImageError('tty-info.img', 0, `pseudo-terminal master ${info.id} with a pty index`);
      if (!options.shellJob) {
        const key = terminalKey(tree, fileId);
        throw new Error(`criu-ts: file ${fileId} is a terminal whose master was outside the tree: restore it with --shell-job (-j) if it was a shell's${key ? `, or hand it in with --inherit-fd fd[N]:${key}` : ''}`);
      }
    },
    open(ctx, fileId) {
      const { info } = ttyOf(ctx.tree, fileId);
      const pair = pairOfInfo(ctx.tree, info, infoOf(ctx.tree));
      return pair ? openPairEnd(ctx, fileId, pair, infoOf(ctx.tree)) : openTerminal(ctx, fileId);
    },
  },
};

function withBorrowed<T>(fd: OpenFd, use: (own: number) => T): T {
  const own = borrowFd(fd.pid, fd.fd);
  try {
    return use(own);
  } finally {
    fs.closeSync(own);
  }
}
