// The /proc parsers on text captured from a live process on this machine (fixtures/),
// plus a round of each parser on our own live /proc.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMaps } from './maps.js';
import { cpuMaskWords, parseStatus } from './status.js';
import { parseStat } from './stat.js';
import { parseFdInfo } from './fdinfo.js';
import { parseLimits, RLIM_INFINITY } from './limits.js';
import { parseAuxv } from './auxv.js';
import { parsePosixTimers } from './timers.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('maps/smaps', () => {
  it('parses every VMA of smaps with its flags', () => {
    const vmas = parseMaps(fixture('smaps.txt'));
    const lines = fixture('maps.txt').trim().split('\n');
    expect(vmas).toHaveLength(lines.length);
    const first = vmas[0]!;
    expect(first.start).toBe(0x55ceb2faf000n);
    expect(first.end).toBe(0x55ceb2fb0000n);
    expect([first.read, first.write, first.exec, first.shared]).toEqual([true, false, false, false]);
    expect(first.name).toBe('/tmp/dumpwork/counter');
    expect(first.devMajor).toBe(0xfe);
    expect(first.inode).toBe(2146402);
    expect(first.vmFlags).toEqual(['rd', 'mr', 'mw', 'me']);
    expect(first.rssKb).toBe(4);
    const names = vmas.map((v) => v.name);
    for (const special of ['[heap]', '[stack]', '[vdso]', '[vvar]', '[vvar_vclock]', '[vsyscall]']) expect(names).toContain(special);
    const vsyscall = vmas.find((v) => v.name === '[vsyscall]')!;
    expect(vsyscall.start).toBe(0xffffffffff600000n);
    expect(vmas.find((v) => v.name === '[stack]')!.vmFlags).toContain('gd');
  });

  it('agrees with maps on the same process', () => {
    const fromMaps = parseMaps(fixture('maps.txt'));
    const fromSmaps = parseMaps(fixture('smaps.txt'));
    expect(fromMaps.map((v) => [v.start, v.end, v.name])).toEqual(fromSmaps.map((v) => [v.start, v.end, v.name]));
  });

  it('rejects garbage', () => {
    expect(() => parseMaps('Rss: 4 kB\n')).toThrow(/before any VMA/);
  });
});

describe('status', () => {
  it('parses ids, masks and capabilities', () => {
    const s = parseStatus(fixture('status.txt'));
    expect(s.name).toBe('counter');
    expect(s.tgid).toBe(8390);
    expect(s.ppid).toBe(1);
    expect(s.threads).toBe(2);
    expect(s.uid).toEqual([0, 0, 0, 0]);
    expect(s.umask).toBe(0o22);
    expect(s.sigBlk).toBe(1n << 11n); // SIGUSR2 blocked by the target
    expect(s.sigCgt & (1n << 9n)).toBe(1n << 9n); // SIGUSR1 caught
    expect(s.capEff).toBe(0x1fffeffffffn); // all but CAP_SYS_RESOURCE (24)
    expect(s.cpusAllowed).toEqual([3n]);
  });

  it('reads CPU masks of any width into 64-bit words', () => {
    expect(cpuMaskWords('3')).toEqual([3n]);
    expect(cpuMaskWords('00000001,80000000')).toEqual([0x180000000n]);
    expect(cpuMaskWords('ff,00000000,00000002')).toEqual([2n, 0xffn]);
    expect(() => cpuMaskWords('xyz')).toThrow(/malformed CPU mask/);
  });

  it('names a missing key', () => {
    expect(() => parseStatus('Name:\tx\n')).toThrow(/Umask/);
  });
});

describe('stat', () => {
  it('parses the fields after comm', () => {
    const s = parseStat(fixture('stat.txt'));
    expect(s.pid).toBe(8390);
    expect(s.comm).toBe('counter');
    expect(s.sid).toBe(8390);
    expect(s.ttyNr).toBe(0); // a daemon without a terminal
    expect(s.tpgid).toBe(-1);
    expect(s.numThreads).toBe(2);
    expect(s.startCode).toBe(94346254417920n);
    expect(s.envEnd).toBe(140731252477934n);
    expect(s.exitCode).toBe(0);
    expect(s.policy).toBe(0); // SCHED_OTHER
  });

  it('handles a comm holding spaces and parentheses', () => {
    const text = fixture('stat.txt').replace('(counter)', '(a) b (c)');
    const s = parseStat(text);
    expect(s.comm).toBe('a) b (c');
    expect(s.ppid).toBe(1);
  });

  it('parses our own live stat', () => {
    const s = parseStat(fs.readFileSync('/proc/self/stat', 'utf8'));
    expect(s.pid).toBe(process.pid);
    expect(s.ppid).toBe(process.ppid);
  });
});

describe('fdinfo', () => {
  it('parses pos and octal flags', () => {
    const readEnd = parseFdInfo(fixture('fdinfo-pipe-r.txt'));
    const writeEnd = parseFdInfo(fixture('fdinfo-pipe-w.txt'));
    expect(readEnd.flags).toBe(0);
    expect(writeEnd.flags).toBe(1); // O_WRONLY
    expect(readEnd.ino).toBe(14542);
    expect(writeEnd.ino).toBe(readEnd.ino);
    const reg = parseFdInfo(fixture('fdinfo-reg.txt'));
    expect(reg.flags).toBe(0o100002);
    expect(reg.pos).toBe(0n);
  });

  it('rejects text without flags', () => {
    expect(() => parseFdInfo('pos: 1\n')).toThrow(/without flags/);
  });
});

describe('limits', () => {
  it('parses all 16 limits in RLIMIT order', () => {
    const l = parseLimits(fixture('limits.txt'));
    expect(l).toHaveLength(16);
    expect(l[0]).toEqual({ cur: RLIM_INFINITY, max: RLIM_INFINITY });
    expect(l[3]!.cur).toBe(8388608n); // RLIMIT_STACK soft
  });
});

describe('auxv', () => {
  it('reads pairs up to AT_NULL', () => {
    const buf = Buffer.alloc(64);
    buf.writeBigUInt64LE(6n, 0); buf.writeBigUInt64LE(4096n, 8); // AT_PAGESZ
    const words = parseAuxv(buf);
    expect(words).toEqual([6n, 4096n, 0n, 0n]);
    const own = parseAuxv(fs.readFileSync('/proc/self/auxv'));
    const pagesz = own.findIndex((w, i) => i % 2 === 0 && w === 6n);
    expect(own[pagesz + 1]).toBe(4096n);
  });

  it('reads big-endian words when told to', () => {
    const buf = Buffer.alloc(32);
    buf.writeBigUInt64BE(6n, 0); buf.writeBigUInt64BE(65536n, 8);
    expect(parseAuxv(buf, false)).toEqual([6n, 65536n, 0n, 0n]);
  });
});

describe('timers', () => {
  it('parses every POSIX timer with its notification', () => {
    const timers = parsePosixTimers(fixture('timers.txt'));
    expect(timers).toEqual([
      { id: 1, signal: 12, sivalPtr: 0x1234n, sigevNotify: 4, notifyPid: 4242, clockId: 0 }, // SIGEV_SIGNAL | SIGEV_THREAD_ID
      { id: 0, signal: 10, sivalPtr: 0n, sigevNotify: 0, notifyPid: 4242, clockId: 1 },
    ]);
    expect(parsePosixTimers('')).toEqual([]);
  });
});
