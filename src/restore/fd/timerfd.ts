// timerfd: armed again with the time that was left and its interval, then its unread
// expirations. A timer set with TFD_TIMER_ABSTIME stays absolute (so that a clock set
// still cancels it under TFD_TIMER_CANCEL_ON_SET): its expiry is now + the time left.
import { clockNowNs, timerfdCreate, timerfdSetTicks, timerfdSettime, type TimerSpec } from '../../sys/anon-fd.js';
import { O_CLOEXEC, O_NONBLOCK } from '../../sys/proc-ops.js';
import type { Entry } from '../../images/index.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

const TFD_TIMER_ABSTIME = 1;
const NS = 1_000_000_000n;

/**
 * The flags and setting to arm the timer with, given the clock's time now. A periodic
 * timer that expired and was not read since shows 0 left (the kernel moves it on at the
 * next read); 0 would disarm it, so it gets a whole interval instead.
 */
export function timerSetting(tfd: Entry, nowNs: () => bigint): { flags: number; spec: TimerSpec } {
  const n = (v: unknown): bigint => BigInt((v as bigint | number | undefined) ?? 0);
  const interval = { intervalSec: n(tfd['isec']), intervalNsec: n(tfd['insec']) };
  let left = n(tfd['vsec']) * NS + n(tfd['vnsec']);
  if (left === 0n) left = interval.intervalSec * NS + interval.intervalNsec;
  if (left === 0n) return { flags: 0, spec: { valueSec: 0n, valueNsec: 0n, ...interval } }; // disarmed
  const flags = Number(tfd['settime_flags'] ?? 0);
  const value = flags & TFD_TIMER_ABSTIME ? nowNs() + left : left;
  return { flags, spec: { valueSec: value / NS, valueNsec: value % NS, ...interval } };
}

export const timerfdFile: FdKind = {
  type: 'TIMERFD',
  check(tree, fileId) {
    fileEntry(tree, fileId, 'TIMERFD');
  },
  open(ctx, fileId) {
    const tfd = fileEntry(ctx.tree, fileId, 'TIMERFD')['tfd'];
    const clockid = Number(tfd['clockid']);
    const fd = timerfdCreate(clockid, (Number(tfd['flags']) & O_NONBLOCK) | O_CLOEXEC);
    ctx.opened.push(fd);
    const { flags, spec } = timerSetting(tfd, () => clockNowNs(clockid));
    timerfdSettime(fd, flags, spec);
    // After settime, which clears the count.
    const ticks = BigInt(tfd['ticks'] ?? 0);
    if (ticks !== 0n) timerfdSetTicks(fd, ticks);
    return fd;
  },
};
