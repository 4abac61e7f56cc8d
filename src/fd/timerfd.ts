// timerfd: clock, settime flags, time left and interval, and expirations not yet read,
// all from fdinfo ("it_value: (sec, nsec)"). Restore arms a new one again with the time
// that was left and its interval, then its unread expirations. A timer set with
// TFD_TIMER_ABSTIME stays absolute (so that a clock set still cancels it under
// TFD_TIMER_CANCEL_ON_SET). An absolute wall-clock timer keeps its expiry (dumped as a
// deadline); one on another clock expires at now + the time left, as the clocks of a tree in
// criu-ts's time namespace do not stand still while it is down.
import type { TimerfdEntry } from '../images/entries.js';
import type { FdInfo } from '../proc/fdinfo.js';
import { clockNowNs, timerfdCreate, timerfdSetTicks, timerfdSettime, type TimerSpec } from '../sys/anon-fd.js';
import { O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind } from './kind.js';

const TFD_TIMER_ABSTIME = 1;
const NS = 1_000_000_000n;
/** Clocks whose absolute times mean the same on any machine: CLOCK_REALTIME, CLOCK_REALTIME_ALARM. */
const wallClocks = new Set([0, 8]);

function pair(info: FdInfo, key: string): [bigint, bigint] {
  const m = /^\((\d+),\s*(\d+)\)$/.exec(info.extra.get(key) ?? '');
  if (!m) throw new Error(`criu-ts: timerfd fdinfo without a valid ${key}`);
  return [BigInt(m[1]!), BigInt(m[2]!)];
}

/**
 * The flags and setting to arm the timer with, given the clock's time now. A periodic
 * timer that expired and was not read since shows 0 left (the kernel moves it on at the
 * next read); 0 would disarm it, so it gets a whole interval instead.
 */
export function timerSetting(tfd: Pick<TimerfdEntry, 'vsec' | 'vnsec' | 'isec' | 'insec' | 'settime_flags' | 'deadline_sec' | 'deadline_nsec'>, nowNs: () => bigint): { flags: number; spec: TimerSpec } {
  const interval = { intervalSec: tfd.isec, intervalNsec: tfd.insec };
  let left = tfd.vsec * NS + tfd.vnsec;
  if (left === 0n) left = interval.intervalSec * NS + interval.intervalNsec;
  if (left === 0n) return { flags: 0, spec: { valueSec: 0n, valueNsec: 0n, ...interval } }; // disarmed
  const flags = tfd.settime_flags;
  const deadline = tfd.deadline_sec !== undefined ? tfd.deadline_sec * NS + (tfd.deadline_nsec ?? 0n) : undefined;
  const value = !(flags & TFD_TIMER_ABSTIME) ? left : deadline ?? nowNs() + left;
  return { flags, spec: { valueSec: value / NS, valueNsec: value % NS, ...interval } };
}

export const timerfd: FdKind = {
  type: 'TIMERFD',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:[timerfd]',
    dump(fd, { files }) {
      const [vsec, vnsec] = pair(fd.info, 'it_value');
      const [isec, insec] = pair(fd.info, 'it_interval');
      const clockid = Number(fd.info.extra.get('clockid') ?? 0);
      const settimeFlags = parseInt(fd.info.extra.get('settime flags') ?? '0', 8);
      const left = vsec * NS + vnsec;
      const deadline = settimeFlags & TFD_TIMER_ABSTIME && wallClocks.has(clockid) && left ? clockNowNs(clockid) + left : undefined;
      return files.shared(fd.fileKey, (id) =>
        files.add('TIMERFD', 'tfd', id, {
          flags: fd.flags,
          fown: noOwner(),
          clockid,
          ticks: BigInt(fd.info.extra.get('ticks') ?? 0),
          settime_flags: settimeFlags,
          vsec, vnsec, isec, insec,
          ...(deadline !== undefined ? { deadline_sec: deadline / NS, deadline_nsec: deadline % NS } : {}),
        }));
    },
  },
  restore: {
    check(tree, fileId) {
      fileEntry(tree, fileId, 'TIMERFD');
    },
    open(ctx, fileId) {
      const tfd = fileEntry(ctx.tree, fileId, 'TIMERFD').tfd;
      const clockid = tfd.clockid;
      const fd = timerfdCreate(clockid, (tfd.flags & O_NONBLOCK) | O_CLOEXEC);
      ctx.opened.push(fd);
      const { flags, spec } = timerSetting(tfd, () => clockNowNs(clockid));
      timerfdSettime(fd, flags, spec);
      // After settime, which clears the count.
      const ticks = tfd.ticks;
      if (ticks !== 0n) timerfdSetTicks(fd, ticks);
      return fd;
    },
  },
};
