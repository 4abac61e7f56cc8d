// eventfd, signalfd, timerfd, inotify and epoll: each made here, dumped by its dumper as
// if this process were the target, restored by its kind, and compared through fdinfo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readImage } from '../images/index.js';
import type { FdTypes, FileEntry } from '../images/entries.js';
import { readTreeImages } from '../restore/task-images.js';
import { epollAddAt, epollCreate, eventfd, inotifyAddWatch, inotifyInit, inotifyRmWatch, signalfd, timerfdCreate, timerfdSettime } from '../sys/anon-fd.js';
import { O_NONBLOCK } from '../sys/fcntl.js';
import { packageRoot } from '../sys/native.js';
import { pidfdGetfd, pidfdOpen, pipe2 } from '../sys/proc-ops.js';
import { closeAll, dumpOwn, fdinfo, type RoundTrip } from '../testing/own-fd.js';
import { eventfd as eventfdKind } from './eventfd.js';
import { eventpoll } from './eventpoll.js';
import { inotify } from './inotify.js';
import { openContext } from './restore.js';
import { signalfd as signalfdKind } from './signalfd.js';
import { timerfd, timerSetting } from './timerfd.js';

const eventfdFile = eventfdKind.restore!;
const signalfdFile = signalfdKind.restore!;
const timerfdFile = timerfd.restore!;
const inotifyFile = inotify.restore!;
const eventpollFile = eventpoll.restore!;

const ours: number[] = [];
const trips: RoundTrip[] = [];
const keep = (fd: number): number => (ours.push(fd), fd);
afterEach(() => {
  for (const t of trips.splice(0)) closeAll(t.ctx);
  for (const fd of ours.splice(0)) fs.closeSync(fd);
});
const trip = (t: RoundTrip): RoundTrip => (trips.push(t), t);

/** fdinfo lines after the common header (pos, flags, mnt_id, ino). */
const body = (fd: number): string[] => fdinfo(fd).split('\n').filter((l) => l && !/^(pos|flags|mnt_id|ino):/.test(l));

describe('eventfd', () => {
  it('comes back with a 64-bit counter, its flags and semaphore mode', () => {
    const fd = keep(eventfd(O_NONBLOCK | 1));
    const v = Buffer.alloc(8);
    v.writeBigUInt64LE(0x123456789n);
    fs.writeSync(fd, v);
    const t = trip(dumpOwn(fd));
    expect(t.dump.files.entries[0]!.efd!.counter).toBe(0x123456789n);
    const back = eventfdFile.open(t.ctx, t.id);
    expect(body(back).filter((l) => !l.startsWith('eventfd-id'))).toEqual(body(fd).filter((l) => !l.startsWith('eventfd-id')));
    expect(fdinfo(back)).toContain('eventfd-semaphore: 1');
    expect(fdinfo(back)).toMatch(/flags:\s+0\d*4002\n/);
  });
});

describe('signalfd', () => {
  it('comes back with its mask', () => {
    const fd = keep(signalfd((1n << 9n) | (1n << 35n), O_NONBLOCK));
    const t = trip(dumpOwn(fd));
    const back = signalfdFile.open(t.ctx, t.id);
    expect(body(back)).toEqual(body(fd));
  });
});

describe('timerfd', () => {
  it('comes back armed with its interval and unread expirations', async () => {
    const fd = keep(timerfdCreate(1, O_NONBLOCK));
    timerfdSettime(fd, 0, { valueSec: 0n, valueNsec: 1_000_000n, intervalSec: 30n, intervalNsec: 0n });
    await new Promise((r) => setTimeout(r, 20));
    const t = trip(dumpOwn(fd));
    const tfd = t.dump.files.entries[0]!.tfd;
    expect(tfd).toMatchObject({ clockid: 1, ticks: 1n, isec: 30n, insec: 0n });
    const back = timerfdFile.open(t.ctx, t.id);
    expect(fdinfo(back)).toMatch(/ticks: 1\n/);
    expect(fdinfo(back)).toMatch(/it_interval: \(30, 0\)/);
    expect(fdinfo(back)).toMatch(/it_value: \((29|30), \d+\)/);
  });

  it('re-arms an expired periodic timer for one interval instead of disarming it', () => {
    const never = (): bigint => {
      throw new Error('a relative timer needs no clock');
    };
    expect(timerSetting({ vsec: 0n, vnsec: 0n, isec: 2n, insec: 5n, settime_flags: 0 }, never)).toEqual({ flags: 0, spec: { valueSec: 2n, valueNsec: 5n, intervalSec: 2n, intervalNsec: 5n } });
    expect(timerSetting({ vsec: 1n, vnsec: 7n, isec: 0n, insec: 0n, settime_flags: 0 }, never).spec).toEqual({ valueSec: 1n, valueNsec: 7n, intervalSec: 0n, intervalNsec: 0n });
    expect(timerSetting({ vsec: 0n, vnsec: 0n, isec: 0n, insec: 0n, settime_flags: 1 }, never)).toEqual({ flags: 0, spec: { valueSec: 0n, valueNsec: 0n, intervalSec: 0n, intervalNsec: 0n } });
  });

  it('keeps an absolute timer absolute: now + the time that was left, with its flags', () => {
    const now = (): bigint => 1_000n * 1_000_000_000n + 999_999_999n;
    expect(timerSetting({ vsec: 5n, vnsec: 2n, isec: 0n, insec: 0n, settime_flags: 3 }, now)).toEqual({
      flags: 3, spec: { valueSec: 1006n, valueNsec: 1n, intervalSec: 0n, intervalNsec: 0n },
    });
  });

  it('keeps the deadline of an absolute wall-clock timer, whatever the clock reads at restore', () => {
    const never = (): bigint => {
      throw new Error('a timer with a deadline needs no clock');
    };
    expect(timerSetting({ vsec: 5n, vnsec: 2n, isec: 7n, insec: 0n, settime_flags: 1, deadline_sec: 2000n, deadline_nsec: 3n }, never)).toEqual({
      flags: 1, spec: { valueSec: 2000n, valueNsec: 3n, intervalSec: 7n, intervalNsec: 0n },
    });
  });

  it('restores an absolute CLOCK_REALTIME timer that a clock change cancels', () => {
    const fd = keep(timerfdCreate(0, O_NONBLOCK));
    const at = BigInt(Math.floor(Date.now() / 1000) + 100);
    timerfdSettime(fd, 3, { valueSec: at, valueNsec: 0n, intervalSec: 0n, intervalNsec: 0n });
    const t = trip(dumpOwn(fd));
    expect(t.dump.files.entries[0]!.tfd!.settime_flags).toBe(3);
    // now + left, read a few microseconds apart: the same second.
    expect(t.dump.files.entries[0]!.tfd!.deadline_sec).toBe(at);
    const back = timerfdFile.open(t.ctx, t.id);
    expect(fdinfo(back)).toMatch(/settime flags: 03\n/);
    expect(fdinfo(back)).toMatch(/it_value: \((99|100), \d+\)/);
  });
});

describe('inotify', () => {
  it('comes back with the same watch descriptors, masks and paths, and no queued events', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-inotify-'));
    fs.writeFileSync(path.join(dir, 'f'), '');
    const fd = keep(inotifyInit(O_NONBLOCK));
    const gone = inotifyAddWatch(fd, dir, 0x100);
    const wdFile = inotifyAddWatch(fd, path.join(dir, 'f'), 0x2);
    inotifyRmWatch(fd, gone);
    const wdDir = inotifyAddWatch(fd, dir, 0x300);
    expect([gone, wdFile, wdDir]).toEqual([1, 2, 3]);
    fs.readSync(fd, Buffer.alloc(4096)); // the IN_IGNORED of the removal
    const t = trip(dumpOwn(fd));
    expect(t.dump.files.entries[0]!.ify!.wd!.map((w) => w.f_handle.path).sort()).toEqual([dir, path.join(dir, 'f')]);
    const back = inotifyFile.open(t.ctx, t.id);
    const watches = (x: number): string[] => body(x).map((l) => l.replace(/ ino:.*? (mask:\S+).*/, ' $1')).sort();
    expect(watches(back)).toEqual(watches(fd));
    expect(() => fs.readSync(back, Buffer.alloc(4096))).toThrow(/EAGAIN/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('epoll', () => {
  // The kernel always watches for errors and hangups, and shows them in the mask.
  const EPOLLERR_HUP = 0x18;

  it('registers its targets under the task fd numbers, not ours', () => {
    const [r, w] = pipe2(0).map(keep) as [number, number];
    const ep = keep(epollCreate(0));
    epollAddAt(ep, [{ source: r, fd: r, events: 0x80000001, data: 0xabcd000000000007n }]);
    const t = trip(dumpOwn(ep));
    expect(t.dump.files.entries[0]!.epfd!.tfd).toEqual([expect.objectContaining({ tfd: r, events: (0x80000001 | EPOLLERR_HUP) >>> 0, data: 0xabcd000000000007n })]);
    // Restored as if the pipe were open here at another number: the item still says r.
    const elsewhere = keep(fs.openSync(`/proc/self/fd/${r}`, 'r'));
    fs.writeSync(w, 'x');
    const back = eventpollFile.open(t.ctx, t.id);
    eventpollFile.afterOpen!(t.ctx, t.id, back, new Map([[r, elsewhere], [ep, back]]));
    expect(fdinfo(back)).toMatch(new RegExp(`tfd:\\s+${r} events:\\s+80000019 data:\\s+abcd000000000007`));
    expect(fdinfo(back)).not.toMatch(new RegExp(`tfd:\\s+${elsewhere} `));
  });

  it('is not dumped when a target fd now holds another file of the same anon inode', () => {
    const ep = keep(epollCreate(0));
    const first = eventfd(0);
    epollAddAt(ep, [{ source: first, fd: first, events: 1, data: 0n }]);
    const pidfd = keep(pidfdOpen(process.pid));
    const other = keep(pidfdGetfd(pidfd, first)); // keeps the first one's file, and its epoll item, alive
    fs.closeSync(first);
    expect(() => dumpOwn(ep)).toThrow(`target fd ${first} was closed or replaced`);
    const replacement = keep(eventfd(0));
    expect(replacement).toBe(first); // the lowest free number: where the first one was
    expect(other).not.toBe(first);
    expect(() => dumpOwn(ep)).toThrow(`target fd ${first} was closed or replaced`);
  });

  it('leaves a signalfd target for the task to add (its wakeups go to whoever adds it)', () => {
    const [r] = pipe2(0).map(keep) as [number, number];
    const sfd = keep(signalfd(1n << 9n, 0));
    const ep = keep(epollCreate(0));
    epollAddAt(ep, [{ source: r, fd: r, events: 1, data: 1n }, { source: sfd, fd: sfd, events: 1, data: 2n }]);
    const t = trip(dumpOwn(ep));
    const back = eventpollFile.open(t.ctx, t.id);
    const items = eventpollFile.afterOpen!(t.ctx, t.id, back, new Map([[r, r], [sfd, sfd], [40, back]]));
    expect(items).toEqual([{ epfd: 40, fd: sfd, events: 0x19, data: 2n }]);
    expect(fdinfo(back)).toMatch(new RegExp(`tfd:\\s+${r} `));
    expect(fdinfo(back)).not.toMatch(new RegExp(`tfd:\\s+${sfd} `));
  });

  it('refuses a target that is not open in the task', () => {
    const ep = keep(epollCreate(0));
    const [r] = pipe2(0).map(keep) as [number, number];
    epollAddAt(ep, [{ source: r, fd: r, events: 1, data: 0n }]);
    const t = trip(dumpOwn(ep));
    const back = eventpollFile.open(t.ctx, t.id);
    expect(() => eventpollFile.afterOpen!(t.ctx, t.id, back, new Map())).toThrow(`watches fd ${r}, which the task does not have`);
  });
});

describe('the entries, next to what CRIU 4.2 wrote for the same kinds (fixtures/criu-4.2/zoo)', () => {
  const zoo = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'zoo', 'img');
  const criu = (type: FdTypes): FileEntry => readImage(zoo, 'files.img', 'files').entries.find((e) => e.type === type)!;
  const keys = (o: object): string[] => Object.keys(o).sort();

  it.skipIf(!fs.existsSync(zoo))('have the same fields', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-zoo-'));
    const efd = keep(eventfd(O_NONBLOCK));
    const tfd = keep(timerfdCreate(1, 0));
    const sfd = keep(signalfd(1n << 11n, 0));
    const ep = keep(epollCreate(0));
    epollAddAt(ep, [{ source: efd, fd: efd, events: 1, data: 42n }]);
    const ino = keep(inotifyInit(0));
    inotifyAddWatch(ino, dir, 0x300);
    const ours = dumpOwn([efd, tfd, sfd, ep, ino]).dump.files;
    const mine = (type: FdTypes): FileEntry => ours.entries.find((e) => e.type === type)!;
    for (const [type, field] of [['EVENTFD', 'efd'], ['TIMERFD', 'tfd'], ['SIGNALFD', 'sgfd'], ['EVENTPOLL', 'epfd'], ['INOTIFY', 'ify']] as const) {
      expect(keys(mine(type)[field]!), type).toEqual(keys(criu(type)[field]!));
    }
    const target = (e: FileEntry) => e.epfd!.tfd![0]!;
    const watch = (e: FileEntry) => e.ify!.wd![0]!;
    expect(keys(target(mine('EVENTPOLL')))).toEqual(keys(target(criu('EVENTPOLL'))));
    expect(keys(watch(mine('INOTIFY')))).toEqual(keys(watch(criu('INOTIFY'))));
    // Both record an EPOLLIN target with the error and hangup bits the kernel adds.
    expect(target(mine('EVENTPOLL')).events).toBe(target(criu('EVENTPOLL')).events);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('files CRIU 4.2 dumped (fixtures/criu-4.2/zoo)', () => {
  const zoo = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'zoo', 'img');

  it.skipIf(!fs.existsSync(zoo))('are opened by our kinds with the state CRIU recorded', () => {
    const tree = readTreeImages(zoo);
    const ctx = openContext(tree, { shellJob: false });
    trips.push({ ctx } as RoundTrip);
    const idOf = (type: FdTypes): number => [...tree.files.values()].find((e) => e.type === type)!.id;

    const efd = eventfdFile.open(ctx, idOf('EVENTFD'));
    expect(fdinfo(efd)).toMatch(/eventfd-count:\s+7\n/);
    expect(fdinfo(efd)).toMatch(/flags:\s+0\d*4002\n/);
    const sfd = signalfdFile.open(ctx, idOf('SIGNALFD'));
    expect(fdinfo(sfd)).toMatch(/sigmask:\s+0000000000000800\n/);
    const tfd = timerfdFile.open(ctx, idOf('TIMERFD'));
    expect(fdinfo(tfd)).toMatch(/it_interval: \(3600, 0\)/);
    expect(fdinfo(tfd)).toMatch(/it_value: \(3599, \d+\)/);
    // The epoll watched fd 7, the eventfd; here that file is open at another number.
    const ep = eventpollFile.open(ctx, idOf('EVENTPOLL'));
    eventpollFile.afterOpen!(ctx, idOf('EVENTPOLL'), ep, new Map([[7, efd]]));
    expect(fdinfo(ep)).toMatch(/tfd:\s+7 events:\s+19 data:\s+2a /);
    if (fs.existsSync('/opt/criu-ts-fixtures')) {
      const ino = inotifyFile.open(ctx, idOf('INOTIFY'));
      expect(fdinfo(ino)).toMatch(/inotify wd:1 .*mask:300 /);
    }
  });
});
