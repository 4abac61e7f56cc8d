import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dump } from '../dump/index.js';
import { readImage, writeImage } from '../images/index.js';
import { restore } from '../restore/index.js';
import { clockNowNs } from '../sys/anon-fd.js';
import { CLOCK_BOOTTIME, CLOCK_MONOTONIC } from '../sys/time.js';
import { counterAdvances, startTarget, type Target } from '../testing/targets.js';
import { offsetsText, readTimeNamespaces } from './time.js';

const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-time-'));
const S = 1_000_000_000n;
const at = (ns: bigint) => ({ tv_sec: ns / S, tv_nsec: ns % S });
/** [clock id, seconds, nanoseconds] of each line of a timens_offsets text. */
const parse = (text: string) => text.split('\n').map((l) => l.split(' ').map(BigInt));

describe('time namespace offsets', () => {
  it('make the clocks read the dumped values: ahead, or behind with nanoseconds kept in [0, 1e9)', () => {
    const mono = clockNowNs(CLOCK_MONOTONIC);
    const [m, b] = parse(offsetsText({ monotonic: at(mono + 500n * S), boottime: at(0n) }));
    expect(m![0]).toBe(BigInt(CLOCK_MONOTONIC));
    expect(m![1]).toBeGreaterThanOrEqual(499n);
    expect(m![1]).toBeLessThanOrEqual(500n);
    expect(b![0]).toBe(BigInt(CLOCK_BOOTTIME));
    expect(b![1]).toBeLessThan(0n);
    expect(b![2] >= 0n && b![2] < S).toBe(true);
    expect(-(b![1]! * S + b![2]!)).toBeLessThanOrEqual(clockNowNs(CLOCK_BOOTTIME));
  });

  it('refuses an image whose nanoseconds are a second or more', () => {
    const dir = newDir();
    writeImage(dir, 'timens-4.img', 'timens', [{ monotonic: { tv_sec: 1n, tv_nsec: S }, boottime: at(0n) }]);
    expect(() => readTimeNamespaces(dir, fs.readdirSync(dir))).toThrow(/timens-4.img: offset 0: a monotonic tv_nsec below 1e9/);
  });
});

describe.runIf(process.getuid?.() === 0)('a program in a time namespace of its own', () => {
  const targets: Target[] = [];
  afterAll(() => targets.forEach((t) => t.kill()));
  const offset = (pid: number, clock: string) => Number(/\s*(-?\d+)/.exec(fs.readFileSync(`/proc/${pid}/timens_offsets`, 'utf8').split('\n').find((l) => l.startsWith(clock))!.slice(clock.length))![1]);

  it('is dumped with its clocks and restored with offsets that go on from them', async () => {
    const t = startTarget('counter', [], ['unshare', '--time', '--fork', '--monotonic', '500', '--boottime', '800']);
    targets.push(t);
    await counterAdvances(t.statusFile);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir });
    const id = readImage(dir, `ids-${t.pid}.img`, 'ids').entries[0]!.time_ns_id;
    const clocks = readImage(dir, `timens-${id}.img`, 'timens').entries[0]!;
    expect(Number(clocks.monotonic.tv_sec - clockNowNs(CLOCK_MONOTONIC) / S)).toBeGreaterThan(490);
    for (let i = 0; i < 250 && fs.existsSync(`/proc/${t.pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await restore({ imagesDir: dir, detached: true })).pid).toBe(t.pid);
    await counterAdvances(t.statusFile);
    expect(fs.statSync(`/proc/${t.pid}/ns/time`).ino).not.toBe(fs.statSync('/proc/self/ns/time').ino);
    // Down for a few seconds at most: the offsets lost that much.
    expect(offset(t.pid, 'monotonic')).toBeGreaterThan(480);
    expect(offset(t.pid, 'monotonic')).toBeLessThanOrEqual(500);
    expect(offset(t.pid, 'boottime')).toBeGreaterThan(780);
    expect(offset(t.pid, 'boottime')).toBeLessThanOrEqual(800);
  });
});
