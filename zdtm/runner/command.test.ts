import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEnd, runCommand } from './command.js';
import { dumpTasksToConsole } from './hang-dump.js';

describe('runCommand at its deadline', () => {
  it('tells onDeadline first, then kills the command', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-command-'));
    try {
      const calls: string[] = [];
      const r = await runCommand(['sh', '-c', 'echo started; sleep 30'], {
        outputFile: path.join(dir, 'out'),
        deadline: Date.now() + 300,
        onDeadline: () => calls.push(fs.readFileSync(path.join(dir, 'out'), 'utf8').trim()),
      });
      expect(calls).toEqual(['started']); // called once, while the command still ran
      expect(r.timedOut).toBe(true);
      expect(r.stuck).toBeUndefined();
      expect(r.ms).toBeLessThan(5000);
      expect(describeEnd(r, 7)).toBe('timed out (test limit 7s)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when a command would not die', () => {
    expect(describeEnd({ timedOut: true, stuck: true, ms: 1 }, 7)).toBe('timed out (test limit 7s) and still there 10s after SIGKILL');
  });
});

describe('dumpTasksToConsole', () => {
  it('raises the console log level, then asks sysrq for every task', () => {
    const writes: [string, string][] = [];
    expect(dumpTasksToConsole((f, t) => writes.push([f, t]))).toBe(true);
    expect(writes).toEqual([['/proc/sys/kernel/printk', '7'], ['/proc/sysrq-trigger', 't']]);
  });

  it('is false where sysrq cannot be reached', () => {
    expect(dumpTasksToConsole(() => {
      throw new Error('EACCES');
    })).toBe(false);
  });
});
