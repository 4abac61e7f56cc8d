// Terminals. A pseudo-terminal slave the tree got from its shell (--shell-job) is dumped
// as CRIU does: a TTY file naming a tty-info record (termios, window size, session and
// foreground group, pty index) and a REG entry for its path. Restore (with --shell-job
// again) puts the tree on the terminal criu-ts itself runs on: each TTY fd is an open of
// our controlling terminal, which gets the dumped termios and window size, and the task
// that led the terminal's foreground group takes the foreground back (see foregroundOf).
// Without --shell-job, or for other terminals, the fd is refused.
import fs from 'node:fs';
import { ImageError, readImage, writeImage } from '../images/index.js';
import type { TtyFileEntry, TtyInfoEntry, WinsizeEntry } from '../images/entries.js';
import { parseStat } from '../proc/stat.js';
import { O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC } from '../sys/fcntl.js';
import { readU16, writeU16 } from '../sys/host-order.js';
import { borrowFd, dup3, ioctlRead, ioctlWrite } from '../sys/proc-ops.js';
import { decodeTermios, encodeTermios, hostTty as abi } from '../sys/tty.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind, KindDumpState, OpenContext, OpenFd } from './kind.js';

const TTY_MAJORS = new Set([4, 5, 136, 137, 138, 139, 140, 141, 142, 143]);
const PTS_MAJOR_FIRST = 136;
const PTS_MAJOR_LAST = 143;

const major = (rdev: number) => Math.floor(rdev / 256) & 0xfff;
const minor = (rdev: number) => (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
const isPtySlave = (rdev: number) => major(rdev) >= PTS_MAJOR_FIRST && major(rdev) <= PTS_MAJOR_LAST;
const ptyIndex = (rdev: number) => (major(rdev) - PTS_MAJOR_FIRST) * 256 + minor(rdev);

/** True for the character devices that are terminals. */
export function isTerminal(st: fs.Stats): boolean {
  return st.isCharacterDevice() && TTY_MAJORS.has(major(st.rdev));
}

function ttyInfo(fd: OpenFd, id: number, rdev: number): TtyInfoEntry {
  const own = borrowFd(fd.pid, fd.fd);
  try {
    const ws = ioctlRead(own, abi.getWinsize, 8);
    // Session and foreground group: only a task whose controlling terminal this is may ask
    // the terminal, but /proc tells them for the task.
    const stat = parseStat(fs.readFileSync(`/proc/${fd.pid}/stat`, 'utf8'));
    const ctty = stat.ttyNr === rdev;
    return {
      id, type: 'PTY', locked: false, exclusive: false, packet_mode: false,
      sid: ctty ? stat.sid : 0, pgrp: ctty && stat.tpgid > 0 ? stat.tpgid : 0, rdev,
      termios: decodeTermios(ioctlRead(own, abi.getTermios, abi.termios.size)),
      termios_locked: decodeTermios(ioctlRead(own, abi.getLockedTermios, abi.lockedSize)),
      winsize: { ws_row: readU16(ws, 0), ws_col: readU16(ws, 2), ws_xpixel: readU16(ws, 4), ws_ypixel: readU16(ws, 6) },
      pty: { index: ptyIndex(rdev) },
    };
  } finally {
    fs.closeSync(own);
  }
}

/** The terminals of one dump: a tty-info.img entry each. */
export class TtyInfos implements KindDumpState {
  readonly entries: TtyInfoEntry[] = [];

  finish({ dir }: { dir: string }): void {
    if (this.entries.length) writeImage(dir, 'tty-info.img', 'tty-info', this.entries);
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

/** struct winsize, in its order. */
const WINSIZE_FIELDS = ['ws_row', 'ws_col', 'ws_xpixel', 'ws_ypixel'] as const satisfies readonly (keyof WinsizeEntry)[];

/** Puts the dumped termios, locked termios and window size on terminal fd. */
function applySettings(fd: number, info: TtyInfoEntry): void {
  if (info.termios) ioctlWrite(fd, abi.setTermios, encodeTermios(info.termios, abi.termios.size));
  if (info.termios_locked) ioctlWrite(fd, abi.setLockedTermios, encodeTermios(info.termios_locked, abi.lockedSize));
  const ws = info.winsize;
  if (ws) {
    const b = Buffer.alloc(8);
    WINSIZE_FIELDS.forEach((k, i) => writeU16(b, ws[k] & 0xffff, 2 * i));
    ioctlWrite(fd, abi.setWinsize, b);
  }
}

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
  newState: () => new TtyInfos(),
  dump: {
    matches: (fd) => fd.link.startsWith('/') && isTerminal(fd.stat()),
    dump(fd, { files, state, options }) {
      const st = fd.stat();
      if (!isPtySlave(st.rdev)) throw fd.unsupported('a terminal other than a pseudo-terminal slave');
      if (!options.shellJob) throw fd.unsupported('a terminal without --shell-job');
      const infoId = files.shared(`tty-info:${st.rdev}`, (id) => state.entries.push(ttyInfo(fd, id, st.rdev)));
      const regfId = files.pathFile(fd.link, fd.flags, `/proc/${fd.pid}/fd/${fd.fd}`);
      return files.shared(fd.fileKey, (id) => files.add('TTY', 'tty', id, { tty_info_id: infoId, flags: fd.flags, fown: noOwner(), regf_id: regfId }));
    },
  },
  restore: {
    check(tree, fileId, options) {
      const { info } = ttyOf(tree, fileId);
      if (info.type !== 'PTY') throw new Error(`criu-ts: terminal file ${fileId} is a ${info.type} terminal; only pseudo-terminals of a shell job can be restored yet`);
      if (!options.shellJob) throw new Error(`criu-ts: file ${fileId} is the terminal of a shell job; restore it with --shell-job (-j)`);
    },
    open: openTerminal,
  },
};
