// A failed dump must leave the target exactly as it was. Every dump fault point is
// walked on one long-lived counter (failures would accumulate), then the dumping process
// itself is SIGKILLed while it hangs at the riskiest points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultPoints, InjectedFault } from '../fault.js';
import { dump } from './index.js';
import { counterAdvances, readCounter, startTarget, type Target } from '../testing/targets.js';

const dumpPoints = Object.keys(faultPoints).filter((p) => p.startsWith('dump-')) as (keyof typeof faultPoints)[];
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

let t: Target;
let checksum: number;
let maps: string;
const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-img-'));

/**
 * The target runs, untraced, with its memory, mappings and threads as before. A dumper
 * killed while its parasite ran leaves the parasite's area mapped (the task resumed from
 * inside it and cannot unmap what it runs on); that one extra rwx mapping is allowed.
 */
async function expectUntouched(parasiteLeft = false): Promise<void> {
  const now = await counterAdvances(t.statusFile);
  expect(now.checksum).toBe(checksum);
  const status = fs.readFileSync(`/proc/${t.pid}/status`, 'utf8');
  expect(status).toMatch(/TracerPid:\s+0\n/);
  expect(status).toMatch(/Threads:\s+2\n/);
  expect(status).toMatch(/SigBlk:\s+0*800\n/); // only SIGUSR2, as the counter set it
  const lines = fs.readFileSync(`/proc/${t.pid}/maps`, 'utf8').split('\n');
  const extra = lines.filter((l) => !maps.split('\n').includes(l));
  if (parasiteLeft) {
    expect(extra.length).toBeLessThanOrEqual(1);
    extra.forEach((l) => expect(l).toMatch(/^[0-9a-f]+-[0-9a-f]+ rwxp 00000000 00:00 0 +$/));
    maps = lines.join('\n'); // later checks compare with what is there now
  } else {
    expect(extra).toEqual([]);
    expect(lines.join('\n')).toBe(maps);
  }
}

beforeAll(async () => {
  t = startTarget('counter', ['threads']);
  await counterAdvances(t.statusFile);
  checksum = readCounter(t.statusFile).checksum;
  maps = fs.readFileSync(`/proc/${t.pid}/maps`, 'utf8');
});
afterAll(() => t?.kill());

describe('every dump fault point leaves the target running unchanged', () => {
  it.each(dumpPoints)('%s', async (point) => {
    process.env['CRIU_TS_FAULT'] = point;
    try {
      await expect(dump({ pid: t.pid, imagesDir: newDir() })).rejects.toBeInstanceOf(InjectedFault);
    } finally {
      delete process.env['CRIU_TS_FAULT'];
    }
    await expectUntouched();
  });
});

describe('SIGKILL of the dumping process', () => {
  it.each(['dump-infected', 'dump-memory-mid'] as const)('at %s leaves the target running unchanged', async (point) => {
    const script = path.join(newDir(), 'dump.ts');
    fs.writeFileSync(script, `import { dump } from ${JSON.stringify(path.join(here, 'index.ts'))};\n` +
      `await dump({ pid: ${t.pid}, imagesDir: ${JSON.stringify(path.dirname(script))} });\n`);
    const child = spawn(path.join(root, 'node_modules/.bin/vite-node'), [script], {
      env: { ...process.env, CRIU_TS_FAULT_HANG: point }, stdio: ['ignore', 'ignore', 'pipe'], cwd: root,
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes(`hanging at ${point}`)) resolve();
      });
      child.on('exit', () => reject(new Error(`dumper exited before reaching ${point}: ${stderr}`)));
    });
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    await expectUntouched(point === 'dump-infected');
  }, 30_000);
});
