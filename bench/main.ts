// Benchmark: checkpoint and restore of a process holding N MiB (default 1024) of random data,
// compared with plain copies of the same bytes measured in the same run:
//   dump    vs  `dd` writing the pages file to a new file   (the write a dump cannot avoid)
//   restore vs  `cat` reading the pages file to /dev/null    (the read a restore cannot avoid)
// Prints times and ratios; exits non-zero only when the restored data is wrong or a step fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/sys/native.js';

interface Args {
  mib: number;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { mib: 1024, keep: false };
  for (const a of argv) {
    const m = /^--mib=(\d+)$/.exec(a);
    if (m) args.mib = Number(m[1]);
    else if (a === '--keep') args.keep = true;
    else throw new Error(`bench: unknown argument ${a} (use --mib=N, --keep)`);
  }
  return args;
}

/** Runs a command to completion and returns its wall time in ms; throws on failure. */
function timed(cmd: string, argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench: ${cmd} ${argv.join(' ')} failed: ${r.stderr?.toString().trim() || `status ${r.status}`}`);
  return ms;
}

function waitFor(pred: () => boolean, what: string, timeoutMs: number): void {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

const alive = (pid: number): boolean => {
  try {
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const root = packageRoot();
  const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-bench-'));
  const img = path.join(work, 'img');
  fs.mkdirSync(img, 0o700);
  const target = path.join(work, 'mem-target');
  const pidfile = path.join(work, 'pid');
  const result = path.join(work, 'result');
  let pid = 0;
  try {
    timed('gcc', ['-O2', '-o', target, path.join(root, 'bench', 'mem-target.c')]);
    console.log(`filling ${args.mib} MiB with random data...`);
    timed(target, [String(args.mib), pidfile, result]);
    waitFor(() => fs.existsSync(pidfile), 'the target to start', 120_000);
    pid = Number(fs.readFileSync(pidfile, 'utf8'));

    // Each timed write starts with no earlier writeback pending, so neither pays for the other.
    timed('sync', []);
    const dumpMs = timed(process.execPath, [cli, 'dump', '-t', String(pid), '-D', img, '-o', 'dump.log']);
    // The restore needs the PID itself, which a zombie still holds until PID 1 reaps it.
    waitFor(() => !fs.existsSync(`/proc/${pid}`), `pid ${pid} to be reaped after dump`, 10_000);
    const pages = fs.readdirSync(img).filter((f) => /^pages-\d+\.img$/.test(f)).map((f) => path.join(img, f));
    const pageBytes = pages.reduce((n, f) => n + fs.statSync(f).size, 0);

    const copy = path.join(work, 'copy');
    timed('sync', []);
    const ddMs = pages.reduce((ms, f) => ms + timed('dd', [`if=${f}`, `of=${copy}`, 'bs=4M', 'status=none']), 0);
    fs.rmSync(copy);

    const restoreMs = timed(process.execPath, [cli, 'restore', '-D', img, '-d', '-o', 'restore.log', '-v4']);
    const catMs = pages.reduce((ms, f) => ms + timed('sh', ['-c', `cat '${f}' > /dev/null`]), 0);

    process.kill(pid, 'SIGTERM');
    waitFor(() => fs.existsSync(result) && fs.readFileSync(result, 'utf8').endsWith('\n'), 'the restored target to check its data', 60_000);
    const verdict = fs.readFileSync(result, 'utf8').trim();

    // The targets of issue #13: dump <= 1.2x dd, eager restore <= 1.5x cat.
    const row = (name: string, ms: number, base: string, baseMs: number, target: number): string =>
      `${name.padEnd(8)} ${(ms / 1000).toFixed(3).padStart(7)} s   ${base.padEnd(4)} ${(baseMs / 1000).toFixed(3).padStart(7)} s   ratio ${(ms / baseMs).toFixed(2)}x (target <= ${target.toFixed(2)}x)`;
    console.log(`pages: ${(pageBytes / 2 ** 20).toFixed(0)} MiB in ${pages.length} file(s)`);
    console.log(row('dump', dumpMs, 'dd', ddMs, 1.2));
    console.log(row('restore', restoreMs, 'cat', catMs, 1.5));
    console.log(`restored data: ${verdict}`);
    if (!verdict.startsWith('OK')) process.exitCode = 1;
  } finally {
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

try {
  main();
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
