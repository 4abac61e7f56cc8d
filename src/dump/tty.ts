// Terminals. A pseudo-terminal slave the tree got from its shell (--shell-job) is dumped
// as CRIU does: a TTY file naming a tty-info record (termios, window size, session and
// process group, pty index) and a REG entry for its path; restore reattaches the tasks
// to its own terminal. Without --shell-job, or for other terminals, the fd is refused.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { parseStat } from '../proc/stat.js';
import { ioctlRead, pidfdGetfd, pidfdOpen } from '../sys/proc-ops.js';
import { readU16, readU32 } from '../sys/host-order.js';
import { noOwner } from './file-table.js';
import type { FdDumper, OpenFd } from './files.js';

const TTY_MAJORS = new Set([4, 5, 136, 137, 138, 139, 140, 141, 142, 143]);
const PTS_MAJOR_FIRST = 136;
const PTS_MAJOR_LAST = 143;

const TCGETS2 = 0x802c542a;
const TIOCGLCKTRMIOS = 0x5456;
const TIOCGWINSZ = 0x5413;

const major = (rdev: number) => Math.floor(rdev / 256) & 0xfff;
const minor = (rdev: number) => (rdev & 0xff) | ((rdev >> 12) & 0xfff00);

/** True for the character devices that are terminals. */
export function isTerminal(st: fs.Stats): boolean {
  return st.isCharacterDevice() && TTY_MAJORS.has(major(st.rdev));
}

/** struct termios2 / struct termios (the first 36 bytes are common) -> termios_entry. */
function termiosEntry(b: Buffer, withSpeeds: boolean): Entry {
  return {
    c_iflag: readU32(b, 0), c_oflag: readU32(b, 4), c_cflag: readU32(b, 8), c_lflag: readU32(b, 12),
    c_line: b.readUInt8(16), c_ispeed: withSpeeds ? readU32(b, 36) : 0, c_ospeed: withSpeeds ? readU32(b, 40) : 0,
    c_cc: [...b.subarray(17, 36)],
  };
}

function ttyInfo(fd: OpenFd, id: number, rdev: number): Entry {
  const pidfd = pidfdOpen(fd.pid);
  let own: number;
  try {
    own = pidfdGetfd(pidfd, fd.fd);
  } finally {
    fs.closeSync(pidfd);
  }
  try {
    const ws = ioctlRead(own, TIOCGWINSZ, 8);
    // Session and foreground group: only a task whose controlling terminal this is may ask
    // the terminal, but /proc tells them for the task.
    const stat = parseStat(fs.readFileSync(`/proc/${fd.pid}/stat`, 'utf8'));
    const ctty = stat.ttyNr === rdev;
    return {
      id, type: 'PTY', locked: false, exclusive: false, packet_mode: false,
      sid: ctty ? stat.sid : 0, pgrp: ctty && stat.tpgid > 0 ? stat.tpgid : 0, rdev,
      termios: termiosEntry(ioctlRead(own, TCGETS2, 44), true),
      termios_locked: termiosEntry(ioctlRead(own, TIOCGLCKTRMIOS, 36), false),
      winsize: { ws_row: readU16(ws, 0), ws_col: readU16(ws, 2), ws_xpixel: readU16(ws, 4), ws_ypixel: readU16(ws, 6) },
      pty: { index: (major(rdev) - PTS_MAJOR_FIRST) * 256 + minor(rdev) },
    };
  } finally {
    fs.closeSync(own);
  }
}

export const tty: FdDumper = {
  kind: 'TTY',
  matches: (fd) => fd.link.startsWith('/') && isTerminal(fd.stat()),
  dump(fd, files, state) {
    const st = fd.stat();
    const m = major(st.rdev);
    if (m < PTS_MAJOR_FIRST || m > PTS_MAJOR_LAST) throw fd.unsupported('a terminal other than a pseudo-terminal slave');
    if (!state.shellJob) throw fd.unsupported('a terminal without --shell-job');
    const infoId = files.shared(`tty-info:${st.rdev}`, (id) => state.ttyInfos.push(ttyInfo(fd, id, st.rdev)));
    const regfId = files.pathFile(fd.link, fd.flags, `/proc/${fd.pid}/fd/${fd.fd}`);
    return files.shared(fd.fileKey, (id) => files.add('TTY', 'tty', id, { tty_info_id: infoId, flags: fd.flags, fown: noOwner(), regf_id: regfId }));
  },
};
