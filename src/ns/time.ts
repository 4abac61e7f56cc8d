// Time namespaces: one other than the dumper's is dumped as timens-ID.img holding what its
// CLOCK_MONOTONIC and CLOCK_BOOTTIME read at the dump (as CRIU does). On restore the task that
// creates it (see tree.ts) sets offsets that make those clocks go on from there, as if they
// had stopped while the tree was down, then enters it; its children are born in it.
import fs from 'node:fs';
import { ImageError, writeImage } from '../images/index.js';
import type { TimensEntry, Timespec } from '../images/entries.js';
import { clockNowNs } from '../sys/anon-fd.js';
import { CLOCK_BOOTTIME, CLOCK_MONOTONIC } from '../sys/time.js';
import { namespacesToDump, readNamespaceImages } from './tree.js';

const NS_PER_S = 1_000_000_000n;
const CLOCKS = [['monotonic', CLOCK_MONOTONIC], ['boottime', CLOCK_BOOTTIME]] as const;
/** Where the creating task writes the offsets, before anything enters the namespace. */
export const TIMENS_OFFSETS = '/proc/self/timens_offsets';

/** pid's time namespace offsets in ns, by clock name (/proc/PID/timens_offsets). */
function offsetsOf(pid: number): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of fs.readFileSync(`/proc/${pid}/timens_offsets`, 'utf8').split('\n')) {
    const m = /^(\w+)\s+(-?\d+)\s+(\d+)$/.exec(line.trim());
    if (m) out.set(m[1]!, BigInt(m[2]!) * NS_PER_S + BigInt(m[3]!));
  }
  return out;
}

/** What pid's namespace clocks read now: ours plus its offsets. */
export function timensClocksOf(pid: number): TimensEntry {
  const offsets = offsetsOf(pid);
  const now = ([name, clock]: (typeof CLOCKS)[number]): Timespec => {
    const off = offsets.get(name);
    if (off === undefined) throw new Error(`criu-ts: /proc/${pid}/timens_offsets has no ${name} offset`);
    const t = clockNowNs(clock) + off;
    return { tv_sec: t / NS_PER_S, tv_nsec: t % NS_PER_S };
  };
  return { monotonic: now(CLOCKS[0]), boottime: now(CLOCKS[1]) };
}

/** Writes timens-ID.img for each time namespace of the tree that is not ours. */
export function dumpTimeNamespaces(dir: string, tasks: readonly { pid: number; nsId: number }[]): void {
  for (const t of namespacesToDump('time', tasks)) writeImage(dir, `timens-${t.nsId}.img`, 'timens', [timensClocksOf(t.pid)]);
}

/** Every timens-ID.img of an image set, by ID. */
export function readTimeNamespaces(dir: string, files: readonly string[]): Map<number, TimensEntry> {
  return readNamespaceImages(dir, files, 'timens', (e, f) => {
    for (const [name] of CLOCKS) {
      if (BigInt(e[name].tv_nsec) >= NS_PER_S) throw new ImageError(f, 0, `a ${name} tv_nsec below 1e9, found ${e[name].tv_nsec}`);
    }
    return e;
  });
}

/** The timens_offsets text that makes the namespace's clocks read what e says, now. */
export function offsetsText(e: TimensEntry): string {
  return CLOCKS.map(([name, clock]) => {
    const off = BigInt(e[name].tv_sec) * NS_PER_S + BigInt(e[name].tv_nsec) - clockNowNs(clock);
    // Seconds floor, nanoseconds in [0, 1e9), as the kernel takes them.
    let sec = off / NS_PER_S;
    let nsec = off % NS_PER_S;
    if (nsec < 0n) {
      sec -= 1n;
      nsec += NS_PER_S;
    }
    return `${clock} ${sec} ${nsec}`;
  }).join('\n');
}
