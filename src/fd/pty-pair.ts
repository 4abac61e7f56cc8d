// Pseudo-terminal pairs the tree holds both ends of: a master (an open of /dev/ptmx) and its
// slaves (/dev/pts/N). Each end has a tty-info record (the master's rdev is ptmx's, the slave's
// /dev/pts/N's, both name the index N): termios, locked termios, window size, the pair's lock,
// packet mode and exclusive mode. Bytes queued in either direction go to tty-data.img under the
// info id of the end that would read them. They are read from the frozen tree once every task is
// dumped (reading takes them out of the kernel, so they are written back if the tree runs on).
// A slave that is a session's controlling terminal keeps the session and foreground group in its
// record; restore has the session's leader take it back (the leader must hold it).
//
// The terminal ioctls on a master act on its slave (termios, window size): the master's own line
// discipline keeps the raw settings it was made with, so only the slave's are dumped and set.
//
// Refill, at restore or when the tree runs on: the slave gets a termios that processes nothing
// (no echo, no mapping, no signal or editing characters; canonical mode and the line-ending
// characters as they were, so that lines end where they did), the bytes are written into the
// opposite end, and once the slave's line discipline holds its input the dumped termios goes
// back. What cannot be put back exactly is refused at dump: a control status pending in packet
// mode, a queued line holding the EOF character, more input than a line discipline holds. A
// partial line typed to a canonical slave cannot be read from outside the kernel (readers get
// whole lines only): it is not in the images, and stays in the terminal if the tree runs on.
import fs from 'node:fs';
import { ImageError, readImage } from '../images/index.js';
import type { TermiosEntry, TtyDataEntry, TtyInfoEntry, WinsizeEntry } from '../images/entries.js';
import { F_GETFL, F_SETFL, O_ACCMODE, O_CLOEXEC, O_CREAT, O_EXCL, O_NOCTTY, O_NONBLOCK, O_RDWR, O_TRUNC } from '../sys/fcntl.js';
import { readU16, readU32, writeU16, writeU32 } from '../sys/host-order.js';
import { borrowFd, fcntl, ioctlRead, ioctlValue, ioctlWrite } from '../sys/proc-ops.js';
import { POLLPRI, pollEvents, SIOCINQ } from '../sys/socket.js';
import { sleepMs } from '../sys/time.js';
import { decodeTermios, encodeTermios, hostTty as abi } from '../sys/tty.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import type { OpenContext, OpenFd } from './kind.js';

const PTMX_MAJOR = 5;
const PTMX_MINOR = 2;
const PTS_MAJOR_FIRST = 136;
const PTS_MAJOR_LAST = 143;
/** A line discipline's buffer (N_TTY_BUF_SIZE) less the byte it keeps free. */
const LDISC_BYTES = 4095;
/** How long a refill waits for the line disciplines to take the bytes written. */
const REFILL_WAIT_MS = 2000;

export const major = (rdev: number) => Math.floor(rdev / 256) & 0xfff;
export const minor = (rdev: number) => (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
export const isPtyMaster = (rdev: number) => major(rdev) === PTMX_MAJOR && minor(rdev) === PTMX_MINOR;
export const isPtySlave = (rdev: number) => major(rdev) >= PTS_MAJOR_FIRST && major(rdev) <= PTS_MAJOR_LAST;
export const ptyIndex = (rdev: number) => (major(rdev) - PTS_MAJOR_FIRST) * 256 + minor(rdev);

const readInt = (fd: number, request: number) => readU32(ioctlRead(fd, request, 4), 0);
function writeInt(fd: number, request: number, value: number): void {
  const b = Buffer.alloc(4);
  writeU32(b, value, 0);
  ioctlWrite(fd, request, b);
}

/** The index of the pair whose master is fd (TIOCGPTN). */
export const masterIndex = (fd: number): number => readInt(fd, abi.pty.getIndex);

/** struct winsize, in its order. */
const WINSIZE_FIELDS = ['ws_row', 'ws_col', 'ws_xpixel', 'ws_ypixel'] as const satisfies readonly (keyof WinsizeEntry)[];

const setTermios = (fd: number, t: TermiosEntry) => ioctlWrite(fd, abi.setTermios, encodeTermios(t, abi.termios.size));

/** Puts the dumped termios, locked termios and window size on terminal fd. */
export function applySettings(fd: number, info: TtyInfoEntry): void {
  if (info.termios) setTermios(fd, info.termios);
  if (info.termios_locked) ioctlWrite(fd, abi.setLockedTermios, encodeTermios(info.termios_locked, abi.lockedSize));
  const ws = info.winsize;
  if (ws) {
    const b = Buffer.alloc(8);
    WINSIZE_FIELDS.forEach((k, i) => writeU16(b, ws[k] & 0xffff, 2 * i));
    ioctlWrite(fd, abi.setWinsize, b);
  }
}

/**
 * The settings of terminal fd for its tty-info record. `pty` adds what only a pair has: the lock
 * and packet mode are the master's to tell.
 */
export function readSettings(fd: number, pty: { master: boolean }): Pick<TtyInfoEntry, 'termios' | 'termios_locked' | 'winsize' | 'locked' | 'packet_mode' | 'exclusive'> {
  const ws = ioctlRead(fd, abi.getWinsize, 8);
  return {
    termios: decodeTermios(ioctlRead(fd, abi.getTermios, abi.termios.size)),
    termios_locked: decodeTermios(ioctlRead(fd, abi.getLockedTermios, abi.lockedSize)),
    winsize: { ws_row: readU16(ws, 0), ws_col: readU16(ws, 2), ws_xpixel: readU16(ws, 4), ws_ypixel: readU16(ws, 6) },
    locked: pty.master && readInt(fd, abi.pty.getLock) !== 0,
    packet_mode: pty.master && readInt(fd, abi.pty.getPacket) !== 0,
    exclusive: readInt(fd, abi.pty.getExclusive) !== 0,
  };
}

/**
 * A termios that passes bytes through unchanged but for line ends: canonical mode kept as it
 * was, and `spare` (a byte the data does not hold) in every control slot but the line ends'.
 */
export function quiet(t: TermiosEntry, spare: number): TermiosEntry {
  const keep = new Set([abi.cc.VEOF, abi.cc.VEOL, abi.cc.VEOL2, abi.cc.VMIN, abi.cc.VTIME]);
  return {
    ...t, c_iflag: 0, c_oflag: 0, c_lflag: t.c_lflag & (abi.lflag.ICANON | abi.lflag.IEXTEN),
    c_cc: (t.c_cc ?? []).map((c, i) => (keep.has(i) ? c : spare)),
  };
}

/** A byte value none of the buffers holds (for the control characters of a refill). */
function spareByte(...bufs: Buffer[]): number {
  const used = new Set<number>();
  for (const b of bufs) for (const c of b) used.add(c);
  for (let c = 0; c < 256; c++) if (!used.has(c)) return c;
  throw new Error('criu-ts: the queued terminal data holds every byte value; it cannot be put back unprocessed');
}

function writeAll(fd: number, data: Buffer, what: string): void {
  const flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  try {
    for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EAGAIN') throw new Error(`criu-ts: ${what}: the terminal took only part of its ${data.length} queued bytes`);
    throw e;
  } finally {
    fcntl(fd, F_SETFL, flags);
  }
}

/** The two ends of a pair, open here, with what each end's reader had not read yet. */
export interface PairRefill {
  master: number;
  slave: number;
  masterInfo: TtyInfoEntry;
  slaveInfo: TtyInfoEntry;
  /** Bytes the master would read (the slave's output) and bytes the slave would read (its input). */
  toMaster: Buffer;
  toSlave: Buffer;
  what: string;
}

/** Queues the bytes back in both directions, then puts the dumped termios back (whatever happened). */
export function refill(p: PairRefill): void {
  const t = p.slaveInfo.termios;
  try {
    if (!p.toMaster.length && !p.toSlave.length) return;
    // Termios changes would queue a control status for a packet-mode reader.
    if (p.masterInfo.packet_mode) writeInt(p.master, abi.pty.setPacket, 0);
    if (t) setTermios(p.slave, quiet(t, spareByte(p.toMaster, p.toSlave)));
    writeAll(p.master, p.toSlave, p.what);
    writeAll(p.slave, p.toMaster, p.what);
    const deadline = Date.now() + REFILL_WAIT_MS;
    // The slave's line discipline takes its input after the write returned, and must do so
    // under the quiet termios. The master's output was processed by the write itself.
    while (readInt(p.slave, SIOCINQ) < inputBytes(p.toSlave, t)) {
      if (Date.now() > deadline) throw new Error(`criu-ts: ${p.what}: the terminal did not take its queued bytes back`);
      sleepMs(1);
    }
  } finally {
    if (t) setTermios(p.slave, t);
    if (p.masterInfo.packet_mode) writeInt(p.master, abi.pty.setPacket, 1);
  }
}

/**
 * Reads what waits to be read on fd (a borrowed end of the frozen tree), without blocking: the
 * bytes of each read. On a canonical slave each read is a line, and an empty one a line ended
 * by EOF alone (elsewhere a read of 0 means there is nothing).
 */
function drain(fd: number, canonical = false): Buffer[] {
  const flags = fcntl(fd, F_GETFL);
  const chunks: Buffer[] = [];
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  try {
    const buf = Buffer.alloc(LDISC_BYTES + 1);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        // EIO: a master whose slaves are all closed, once it is empty.
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EIO') break;
        throw e;
      }
      if (n === 0 && !canonical) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } finally {
    fcntl(fd, F_SETFL, flags);
  }
  return chunks;
}

/** An end of a pair as the dump met it. */
interface DumpedEnd {
  fd: OpenFd;
  info: TtyInfoEntry;
}

interface DumpedPair {
  master?: DumpedEnd;
  slaves: DumpedEnd[];
  /** Set once its queues were read: what goes back if the tree runs on. */
  drained?: PairRefill;
}

/** The pairs of one dump, by index. */
export class PtyPairs {
  private readonly pairs = new Map<number, DumpedPair>();
  private readonly borrowed: number[] = [];

  private pair(index: number): DumpedPair {
    let p = this.pairs.get(index);
    if (!p) this.pairs.set(index, (p = { slaves: [] }));
    return p;
  }

  addMaster(index: number, end: DumpedEnd): void {
    this.pair(index).master = end;
  }

  addSlave(index: number, end: DumpedEnd): void {
    this.pair(index).slaves.push(end);
  }

  /** True if the tree holds the master of pair `index`. */
  hasMaster(index: number): boolean {
    return this.pairs.get(index)?.master !== undefined;
  }

  /**
   * Checks every pair is whole, reads the bytes queued in them (the tree is still frozen) and
   * returns their tty-data entries. Slaves without their master are the shell job's, or
   * external ones, if outside(slave) allows them.
   */
  drainAll(outside: (slave: OpenFd) => boolean): TtyDataEntry[] {
    const entries: TtyDataEntry[] = [];
    for (const [index, p] of this.pairs) {
      const { master } = p;
      if (!master) {
        if (p.slaves.every((s) => outside(s.fd))) continue;
        throw p.slaves[0]!.fd.unsupported(`a terminal whose pseudo-terminal master is outside the tree (a shell's: dump it with --shell-job; another's: name it with --external tty[RDEV:DEV])`);
      }
      const slave = p.slaves.find((s) => (s.fd.flags & O_ACCMODE) === O_RDWR) ?? p.slaves[0];
      if (!slave) throw master.fd.unsupported(`a pseudo-terminal master whose slave (/dev/pts/${index}) is not open in the tree`);
      // A controlling terminal comes back through its session's leader, which must hold it.
      const { sid } = slave.info;
      if (sid && !p.slaves.some((s) => s.fd.pid === sid)) {
        throw slave.fd.unsupported(`a pseudo-terminal (/dev/pts/${index}) that is the controlling terminal of session ${sid}, whose leader holds no fd of it`);
      }
      const m = borrowFd(master.fd.pid, master.fd.fd);
      this.borrowed.push(m);
      const s = borrowFd(slave.fd.pid, slave.fd.fd);
      this.borrowed.push(s);
      const what = `pseudo-terminal ${index}`;
      const waiting = readInt(m, SIOCINQ) + readInt(s, SIOCINQ);
      if (waiting && ((master.fd.flags & O_ACCMODE) !== O_RDWR || (slave.fd.flags & O_ACCMODE) !== O_RDWR)) {
        throw master.fd.unsupported(`${what} with queued data whose ends are not both open for reading and writing`);
      }
      if (master.info.packet_mode && pollEvents(m) & POLLPRI) throw master.fd.unsupported(`${what} in packet mode with a control status not yet read`);
      const drained: PairRefill = { master: m, slave: s, masterInfo: master.info, slaveInfo: slave.info, toMaster: Buffer.alloc(0), toSlave: Buffer.alloc(0), what };
      p.drained = drained;
      // In packet mode every read starts with a status byte, TIOCPKT_DATA (0) for data.
      drained.toMaster = Buffer.concat(drain(m).map((c) => (master.info.packet_mode ? c.subarray(1) : c)));
      drained.toSlave = slaveQueue(drain(s, isCanonical(slave.info.termios)), slave.info.termios, () => slave.fd.unsupported(
        `${what} with a queued input line that holds the terminal's EOF character (it would end the line when queued again)`));
      if (drained.toSlave.length > LDISC_BYTES) throw slave.fd.unsupported(`${what} with ${drained.toSlave.length} bytes of input queued, more than its line discipline holds`);
      for (const [data, info] of [[drained.toMaster, master.info], [drained.toSlave, slave.info]] as const) {
        if (data.length) entries.push({ tty_id: info.id, data });
      }
    }
    return entries;
  }

  /** The tree runs on: what was read goes back into its terminals. Never throws. */
  resumed(log: (msg: string) => void): void {
    for (const p of this.pairs.values()) {
      if (!p.drained) continue;
      try {
        refill(p.drained);
      } catch (e) {
        log(`criu-ts: ${p.drained.what}: queued data not put back: ${(e as Error).message}`);
      }
    }
  }

  close(): void {
    for (const fd of this.borrowed.splice(0)) fs.closeSync(fd);
  }
}

const isCanonical = (t: TermiosEntry | undefined) => t !== undefined && (t.c_lflag & abi.lflag.ICANON) !== 0;

/** What the slave's FIONREAD says once it took `data`: a canonical slave does not count the EOFs that end lines. */
export function inputBytes(data: Buffer, t: TermiosEntry | undefined): number {
  if (!t || !isCanonical(t)) return data.length;
  const eof = t.c_cc?.[abi.cc.VEOF] ?? 0;
  return data.reduce((n, c) => (c === eof ? n : n + 1), 0);
}

/**
 * The input queued for a slave, from the reads that took it: a canonical slave's lines ended
 * by EOF get the EOF character back, so that queued again they end where they did.
 */
export function slaveQueue(reads: Buffer[], t: TermiosEntry | undefined, holdsEof: () => Error): Buffer {
  if (!t || !isCanonical(t)) return Buffer.concat(reads);
  const cc = t.c_cc ?? [];
  const eof = cc[abi.cc.VEOF] ?? 0;
  const ends = (c: number | undefined) => c === 0x0a || c === cc[abi.cc.VEOL] || (c === cc[abi.cc.VEOL2] && (t.c_lflag & abi.lflag.IEXTEN) !== 0);
  return Buffer.concat(reads.map((line) => {
    if (line.includes(eof)) throw holdsEof();
    return ends(line[line.length - 1]) ? line : Buffer.concat([line, Buffer.of(eof)]);
  }));
}

// --- restore ---

/** A pair of the images: its master's file and both ends' records and queued bytes. */
interface ImagePair {
  masterFile: number;
  masterInfo: TtyInfoEntry;
  slaveInfo?: TtyInfoEntry;
}

const pairCache = new WeakMap<TreeImages, { pairs: Map<number, ImagePair>; data: Map<number, Buffer> }>();

function imagePairs(tree: TreeImages, infoOf: (id: number) => TtyInfoEntry): { pairs: Map<number, ImagePair>; data: Map<number, Buffer> } {
  let c = pairCache.get(tree);
  if (c) return c;
  const pairs = new Map<number, ImagePair>();
  const slaves: TtyInfoEntry[] = [];
  for (const [id, f] of tree.files) {
    if (f.type !== 'TTY') continue;
    const info = infoOf(fileEntry(tree, id, 'TTY').tty.tty_info_id);
    const index = info.pty?.index;
    if (info.type !== 'PTY' || index === undefined) continue;
    if (isPtyMaster(info.rdev)) {
      if (pairs.has(index) && pairs.get(index)!.masterInfo.id !== info.id) throw new ImageError('tty.img', 0, `one master for pseudo-terminal ${index}, not two`);
      pairs.set(index, { masterFile: id, masterInfo: info });
    } else slaves.push(info);
  }
  for (const s of slaves) {
    const p = pairs.get(s.pty!.index);
    if (p) p.slaveInfo = s;
  }
  const data = new Map<number, Buffer>();
  if (fs.existsSync(`${tree.dir}/tty-data.img`)) {
    for (const e of readImage(tree.dir, 'tty-data.img', 'tty-data').entries) data.set(e.tty_id, Buffer.from(e.data));
  }
  c = { pairs, data };
  pairCache.set(tree, c);
  return c;
}

/** The pair of the images that tty-info record `info` is an end of, if the tree has its master. */
export function pairOfInfo(tree: TreeImages, info: TtyInfoEntry, infoOf: (id: number) => TtyInfoEntry): ImagePair | undefined {
  const index = info.pty?.index;
  return index === undefined ? undefined : imagePairs(tree, infoOf).pairs.get(index);
}

// Flags open(2) takes only at creation; O_NOCTTY is added: these terminals are never ours.
const OPEN_DROPPED = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC;

/** Checks a pair of the images can be made here as it was; creates nothing. */
export function checkPair(tree: TreeImages, pair: ImagePair, infoOf: (id: number) => TtyInfoEntry): void {
  const index = pair.masterInfo.pty!.index;
  if (!pair.slaveInfo) throw new ImageError('tty-info.img', 0, `a slave record for pseudo-terminal ${index}`);
  const { data } = imagePairs(tree, infoOf);
  // Masters are opened until one gets the index: an index past the kernel's limit would take them all.
  const max = Number(fs.readFileSync('/proc/sys/kernel/pty/max', 'utf8'));
  if (index >= max) throw new ImageError('tty-info.img', 0, `a pty index below this kernel's ${max}, found ${index}`);
  const input = data.get(pair.slaveInfo.id)?.length ?? 0;
  if (input > LDISC_BYTES) throw new ImageError('tty-data.img', 0, `at most ${LDISC_BYTES} bytes of input for pseudo-terminal ${index}, found ${input}`);
  const flags = fileEntry(tree, pair.masterFile, 'TTY').tty.flags;
  if ((data.get(pair.slaveInfo.id)?.length || data.get(pair.masterInfo.id)?.length) && (flags & O_ACCMODE) !== O_RDWR) {
    throw new Error(`criu-ts: pseudo-terminal ${index} has queued data but its master is not open for reading and writing`);
  }
}

interface OpenPair {
  master: number;
}

/** Opens masters at `path` until one gets index `index`; the ones below it are closed again. */
function openMasterAt(path: string, flags: number, index: number): number {
  const below: number[] = [];
  try {
    for (;;) {
      const fd = fs.openSync(path, (flags & ~OPEN_DROPPED) | O_NOCTTY);
      const got = masterIndex(fd);
      if (got === index) return fd;
      if (got > index) {
        fs.closeSync(fd);
        throw new Error(`criu-ts: pseudo-terminal ${index} is in use here (${path} gave ${got}); the restored pair needs its number`);
      }
      below.push(fd);
    }
  } finally {
    for (const fd of below) fs.closeSync(fd);
  }
}

/** The pair, made once per restore: master at its index, settings, queued bytes, packet mode; lock and exclusive mode once every file is open. */
function openPair(ctx: OpenContext, pair: ImagePair, infoOf: (id: number) => TtyInfoEntry): OpenPair {
  const index = pair.masterInfo.pty!.index;
  const key = `pty:${index}`;
  const made = ctx.state.get(key) as OpenPair | undefined;
  if (made) return made;
  const tty = fileEntry(ctx.tree, pair.masterFile, 'TTY').tty;
  const path = tty.regf_id !== undefined ? fileEntry(ctx.tree, tty.regf_id, 'REG').reg.name : '/dev/ptmx';
  const master = openMasterAt(path, tty.flags, index);
  ctx.opened.push(master);
  writeInt(master, abi.pty.setLock, 0);
  const slave = ioctlValue(master, abi.pty.openPeer, O_RDWR | O_NOCTTY | O_CLOEXEC);
  ctx.opened.push(slave);
  const slaveInfo = pair.slaveInfo!;
  if (slaveInfo.uid !== undefined && slaveInfo.gid !== undefined) fs.fchownSync(slave, slaveInfo.uid, slaveInfo.gid);
  applySettings(slave, slaveInfo);
  const { data } = imagePairs(ctx.tree, infoOf);
  refill({
    master, slave, masterInfo: pair.masterInfo, slaveInfo,
    toMaster: data.get(pair.masterInfo.id) ?? Buffer.alloc(0), toSlave: data.get(slaveInfo.id) ?? Buffer.alloc(0), what: `pseudo-terminal ${index}`,
  });
  ctx.atEnd.push(() => {
    if (pair.masterInfo.locked) writeInt(master, abi.pty.setLock, 1);
    if (pair.masterInfo.exclusive) ioctlValue(master, abi.pty.setExclusive);
    if (slaveInfo.exclusive) ioctlValue(slave, abi.pty.setExclusive);
  });
  const p = { master };
  ctx.state.set(key, p);
  return p;
}

/** Opens file `fileId`, an end of `pair`: the pair's master, or a new open of its slave. */
export function openPairEnd(ctx: OpenContext, fileId: number, pair: ImagePair, infoOf: (id: number) => TtyInfoEntry): number {
  const { master } = openPair(ctx, pair, infoOf);
  const flags = fileEntry(ctx.tree, fileId, 'TTY').tty.flags;
  if (fileId === pair.masterFile) {
    fcntl(master, F_SETFL, flags & ~O_ACCMODE);
    return master;
  }
  const fd = ioctlValue(master, abi.pty.openPeer, (flags & ~OPEN_DROPPED) | O_NOCTTY | O_CLOEXEC);
  ctx.opened.push(fd);
  return fd;
}
