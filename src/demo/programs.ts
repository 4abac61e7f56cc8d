// Sample programs (zdtm/e2e/<name>.c) for the demo and the end-to-end tests: builds one with gcc, starts it
// (it daemonizes, so we are not its parent), checkpoints it with dump(), waits for the
// PID to be free and restores it detached, as a user of criu-ts would.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from '../dump/index.js';
import { restore } from '../restore/index.js';
import { packageRoot } from '../sys/native.js';

export interface Program {
  dir: string;
  pid: number;
  /** The program's stdout. */
  out: string;
  images: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; ; ) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function alive(pid: number): boolean {
  try {
    return !/State:\s+Z/.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export function lines(p: Program): string[] {
  return fs.readFileSync(p.out, 'utf8').split('\n').filter(Boolean);
}

/** Waits until the program printed more than `count` lines; returns them all. */
export function moreLines(p: Program, count: number, ms?: number): Promise<string[]> {
  return until(`${path.basename(p.dir)} to print past line ${count}`, () => {
    const l = lines(p);
    return l.length > count && l;
  }, ms);
}

/** Builds zdtm/e2e/<name>.c into a fresh directory and starts it. */
export async function start(name: string, cflags: string[] = []): Promise<Program> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `criu-ts-e2e-${name}-`));
  const src = path.join(packageRoot(), 'zdtm', 'e2e', `${name}.c`);
  const bin = path.join(dir, name);
  execFileSync('gcc', ['-O2', '-Wall', ...cflags, '-o', bin, src]);
  const pidfile = path.join(dir, 'pid');
  const out = path.join(dir, 'out');
  execFileSync(bin, [pidfile, out], { cwd: dir });
  const pid = await until('the pidfile', () => fs.existsSync(pidfile) && Number(fs.readFileSync(pidfile, 'utf8')));
  const images = path.join(dir, 'img');
  fs.mkdirSync(images, 0o700);
  return { dir, pid, out, images };
}

/** dump() (the task is killed), then wait for its PID to be free. */
export async function checkpoint(p: Program): Promise<void> {
  await dump({ pid: p.pid, imagesDir: p.images });
  await until(`pid ${p.pid} to be free`, () => !fs.existsSync(`/proc/${p.pid}`));
}

/** checkpoint(), then restore detached. */
export async function checkpointRestore(p: Program): Promise<void> {
  await checkpoint(p);
  const r = await restore({ imagesDir: p.images, detached: true });
  if (r.pid !== p.pid) throw new Error(`restored as ${r.pid}, not ${p.pid}`);
}

export function stop(p: Program): void {
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  fs.rmSync(p.dir, { recursive: true, force: true });
}
