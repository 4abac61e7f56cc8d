// timerfd: clock, settime flags, time left and interval, and expirations not yet read,
// all from fdinfo ("it_value: (sec, nsec)").
import type { FdInfo } from '../proc/fdinfo.js';
import { noOwner } from './file-table.js';
import type { FdDumper } from './files.js';

function pair(info: FdInfo, key: string): [bigint, bigint] {
  const m = /^\((\d+),\s*(\d+)\)$/.exec(info.extra.get(key) ?? '');
  if (!m) throw new Error(`criu-ts: timerfd fdinfo without a valid ${key}`);
  return [BigInt(m[1]!), BigInt(m[2]!)];
}

export const timerfd: FdDumper = {
  kind: 'TIMERFD',
  matches: (fd) => fd.link === 'anon_inode:[timerfd]',
  dump(fd, files) {
    const [vsec, vnsec] = pair(fd.info, 'it_value');
    const [isec, insec] = pair(fd.info, 'it_interval');
    return files.shared(fd.fileKey, (id) =>
      files.add('TIMERFD', 'tfd', id, {
        flags: fd.flags,
        fown: noOwner(),
        clockid: Number(fd.info.extra.get('clockid') ?? 0),
        ticks: BigInt(fd.info.extra.get('ticks') ?? 0),
        settime_flags: parseInt(fd.info.extra.get('settime flags') ?? '0', 8),
        vsec, vnsec, isec, insec,
      }));
  },
};
