// timerfd: armed again with the time that was left and its interval (relative, so the
// clock's jump between dump and restore does not matter), then its unread expirations.
import { timerfdCreate, timerfdSetTicks, timerfdSettime, type TimerSpec } from '../../sys/anon-fd.js';
import { O_CLOEXEC, O_NONBLOCK } from '../../sys/proc-ops.js';
import type { Entry } from '../../images/index.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

/**
 * The setting to arm the timer with. A periodic timer that expired and was not read since
 * shows 0 left (the kernel moves it on at the next read); 0 would disarm it, so it gets a
 * whole interval instead.
 */
export function timerSpec(tfd: Entry): TimerSpec {
  const n = (v: unknown): bigint => BigInt((v as bigint | number | undefined) ?? 0);
  const t = { valueSec: n(tfd['vsec']), valueNsec: n(tfd['vnsec']), intervalSec: n(tfd['isec']), intervalNsec: n(tfd['insec']) };
  const expired = t.valueSec === 0n && t.valueNsec === 0n;
  return expired ? { ...t, valueSec: t.intervalSec, valueNsec: t.intervalNsec } : t;
}

export const timerfdFile: FdKind = {
  type: 'TIMERFD',
  check(tree, fileId) {
    fileEntry(tree, fileId, 'TIMERFD');
  },
  open(ctx, fileId) {
    const tfd = fileEntry(ctx.tree, fileId, 'TIMERFD')['tfd'];
    const fd = timerfdCreate(Number(tfd['clockid']), (Number(tfd['flags']) & O_NONBLOCK) | O_CLOEXEC);
    ctx.opened.push(fd);
    // Relative: the dumped value is the time that was left.
    timerfdSettime(fd, 0, timerSpec(tfd));
    // After settime, which clears the count.
    const ticks = BigInt(tfd['ticks'] ?? 0);
    if (ticks !== 0n) timerfdSetTicks(fd, ticks);
    return fd;
  },
};
