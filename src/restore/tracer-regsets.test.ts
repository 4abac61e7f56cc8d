// The tracer step on a live process of this host: it stops the task, writes the regsets and
// the done flag, and lets it run untraced; a regset the kernel refuses leaves the task
// detached, running and without the flag.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTarget, readCounter, type Target } from '../testing/targets.js';
import { readMemory } from '../sys/memory.js';
import { putBackTracerRegsets } from './tracer-regsets.js';

/** The lowest word of the stack mapping: far below anything the target uses. */
function scratchWord(pid: number): bigint {
  const line = fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').find((l) => l.endsWith('[stack]'))!;
  return BigInt(`0x${line.split('-')[0]}`);
}

const status = (pid: number): { state: string; tracer: number } => {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { state: /^State:\s+(\S)/m.exec(s)![1]!, tracer: Number(/^TracerPid:\s+(\d+)/m.exec(s)![1]) };
};

async function advances(t: Target): Promise<boolean> {
  const before = readCounter(t.statusFile).counter;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    if (readCounter(t.statusFile).counter > before) return true;
  }
  return false;
}

describe.runIf(process.getuid?.() === 0)('putBackTracerRegsets', () => {
  let t: Target | undefined;
  afterEach(() => t?.kill());

  it('writes the regsets and raises the done flag, then lets the task go', async () => {
    t = startTarget('counter');
    const done = scratchWord(t.pid);
    putBackTracerRegsets(t.pid, [], done);
    expect(readMemory(t.pid, Number(done), 4).readUInt32LE(0)).toBe(1);
    expect(status(t.pid).tracer).toBe(0);
    expect(await advances(t)).toBe(true);
  });

  it('leaves the task detached, running and not told to go on when a regset is refused', async () => {
    t = startTarget('counter');
    const done = scratchWord(t.pid);
    // EINVAL, not ESRCH: the kernel looked for the regset, so the task was in a ptrace stop.
    const bogus = { note: 0x7fff, name: 'NT_BOGUS', data: Buffer.alloc(8) };
    expect(() => putBackTracerRegsets(t!.pid, [bogus], done)).toThrow(/setting NT_BOGUS: EINVAL/);
    expect(readMemory(t.pid, Number(done), 4).readUInt32LE(0)).toBe(0);
    expect(status(t.pid).tracer).toBe(0);
    expect(await advances(t)).toBe(true);
  });
});
