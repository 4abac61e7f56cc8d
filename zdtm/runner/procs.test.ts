import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeWaitStatus, leftovers, parseStat, procStat, type ProcStat } from './procs.js';

describe('parseStat', () => {
  it('handles command names with spaces and parentheses', () => {
    const line = '4242 (a) b (c)) S 1 4242 4243 0 -1 4194560' + ' 0'.repeat(42) + ' 139\n';
    expect(parseStat(line)).toEqual({ pid: 4242, state: 'S', ppid: 1, pgrp: 4242, session: 4243, exitStatus: 139 });
    expect(parseStat('garbage')).toBeUndefined();
  });

  it('reads this process', () => {
    const me = procStat(process.pid)!;
    expect(me.pid).toBe(process.pid);
    expect(me.ppid).toBe(process.ppid);
    expect(me.state).toMatch(/[RS]/);
  });
});

describe('describeWaitStatus', () => {
  it('tells exits from signals', () => {
    expect(describeWaitStatus(3 << 8)).toBe('exited 3');
    expect(describeWaitStatus(os.constants.signals.SIGSEGV)).toBe('killed by SIGSEGV');
  });
});

describe('leftovers', () => {
  const me = procStat(process.pid)!;
  const p = (pid: number, ppid: number, session: number): ProcStat => ({ pid, state: 'S', ppid, pgrp: pid, session });
  const procs = [me, p(9001, 1, 9001), p(9002, 9001, 9001), p(9003, 9002, 7000), p(9010, 1, 9010), p(9020, process.pid, me.session)];

  it('takes the sessions, the given PIDs and their descendants', () => {
    expect(leftovers(procs, [9001], []).sort()).toEqual([9001, 9002, 9003]);
    expect(leftovers(procs, [], [9010])).toEqual([9010]);
  });

  it('never takes the runner, its session or PID 1', () => {
    expect(leftovers(procs, [me.session, 1], [process.pid, 1])).toEqual([]);
  });
});
