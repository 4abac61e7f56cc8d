// npm run fuzz [-- --cases N] [--jobs J] [--first K] [--seeds a,b]: restores damaged images for
// real and checks that every case ends well: restored, or refused in one clear line; no crash,
// no hang (20 s), no stack trace, nothing left running. Cases are numbered and reproduce from
// their number (--first K --cases 1 replays case K). Exit status 1 when any case did not end well.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setChildSubreaper } from '../../src/sys/proc-ops.js';
import { mutate, type ImageSet } from './mutate.js';
import { makeSeed, SEED_TESTS, type Seed } from './seeds.js';
import type { CaseReply, CaseRequest } from './worker.js';

const HANG_MS = 20_000;
/** Error classes that mean a bug of ours reached the user, not a refusal. */
const INTERNAL = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'AssertionError', 'string', 'undefined', 'object']);
const UNCLEAR = /\b(undefined|NaN)\b|\[object |Cannot read propert|is not a function|is not iterable|Invalid array length/;

interface Options {
  cases: number;
  jobs: number;
  first: number;
  seeds: string[];
}

function options(argv: string[]): Options {
  const o: Options = { cases: 1000, jobs: Math.max(1, Math.min(2, os.cpus().length)), first: 0, seeds: SEED_TESTS };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const v = (): string => inline ?? argv[++i] ?? '';
    if (k === '--cases') o.cases = Number(v());
    else if (k === '--jobs') o.jobs = Number(v());
    else if (k === '--first') o.first = Number(v());
    else if (k === '--seeds') o.seeds = v().split(',');
    else throw new Error(`fuzz: unknown option ${k} (--cases N, --jobs J, --first K, --seeds a,b)`);
  }
  if (![o.cases, o.jobs, o.first].every((n) => Number.isInteger(n) && n >= 0) || o.jobs === 0) throw new Error('fuzz: --cases, --jobs and --first take whole numbers');
  return o;
}

type Bad = 'crash' | 'hang' | 'unclear' | 'leftBehind' | 'stack';

class Tally {
  refused = 0;
  restored = 0;
  readonly messages = new Map<string, number>();
  readonly bad: Record<Bad, { caseNo: number; seed: string; what: string; why: string }[]> = { crash: [], hang: [], unclear: [], leftBehind: [], stack: [] };
  note(kind: Bad, caseNo: number, seed: string, what: string, why: string): void {
    this.bad[kind].push({ caseNo, seed, what, why });
  }
}

/**
 * A lane's case directory. Unchanged files are hard links to the seed's, changed ones are
 * written; from one case to the next only the files that differ are replaced (most cases
 * change one file), and anything a restore added is removed.
 */
class CaseDir {
  /** What each file in the directory holds now (the buffer it was made from). */
  private readonly now = new Map<string, Buffer>();
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, 0o700);
  }
  write(seed: Seed, set: ImageSet): void {
    for (const f of fs.readdirSync(this.dir)) {
      if (!this.now.has(f) || this.now.get(f) !== set.get(f)) {
        fs.rmSync(path.join(this.dir, f), { recursive: true, force: true });
        this.now.delete(f);
      }
    }
    for (const [f, buf] of set) {
      if (this.now.get(f) === buf) continue;
      if (seed.set.get(f) === buf) fs.linkSync(path.join(seed.dir, f), path.join(this.dir, f));
      else fs.writeFileSync(path.join(this.dir, f), buf, { mode: 0o600 });
      this.now.set(f, buf);
    }
  }
}

/** One long-lived worker; replaced when it crashes or hangs. */
class Worker {
  private child!: ChildProcess;
  private stderr = '';
  private pending: ((r: CaseReply | { died: string }) => void) | undefined;
  constructor(private readonly script: string) {
    this.start();
  }
  private start(): void {
    this.stderr = '';
    this.child = fork(this.script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('message', (m: CaseReply) => {
      const p = this.pending;
      this.pending = undefined;
      p?.(m);
    });
    this.child.on('exit', (code, signal) => {
      const p = this.pending;
      this.pending = undefined;
      p?.({ died: signal ? `killed by ${signal}` : `exited ${code}` });
    });
  }
  /** Output the worker wrote since the last call (a warning or a stack is a finding). */
  takeStderr(): string {
    const s = this.stderr;
    this.stderr = '';
    return s;
  }
  run(req: CaseRequest): Promise<CaseReply | { died: string } | { hung: true }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.kill();
        resolve({ hung: true });
      }, HANG_MS);
      this.pending = (r) => {
        clearTimeout(timer);
        if ('died' in r) this.restart();
        resolve(r);
      };
      this.child.send(req);
    });
  }
  private kill(): void {
    const child = this.child;
    child.removeAllListeners('exit');
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    this.start();
  }
  private restart(): void {
    this.start();
  }
  /** Lets the worker sweep and exit on its own. */
  stop(): Promise<void> {
    this.child.removeAllListeners('exit');
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.disconnect();
    return gone;
  }
}

/** Our own children once the workers are gone (orphans of a killed worker come to us): killed, and counted. */
function reapOrphans(): number {
  let n = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    for (const pid of fs.readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        process.kill(pid, 'SIGKILL');
        if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
        console.log(`fuzz: left behind: ${stat.slice(0, stat.lastIndexOf(')') + 1)}`);
        n++;
      } catch {
        /* gone */
      }
    }
  }
  return n;
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    console.log('fuzz: skipped: restores need root');
    return 0;
  }
  // Orphans come to us from here on: the daemonized seed programs (reaped as soon as they are
  // dumped), then whatever a killed worker's restore made (to be found).
  setChildSubreaper();
  const work = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'criu-ts-fuzz-'));
  const t0 = performance.now();
  // Started together: most of a seed's time is its program getting ready.
  const made = await Promise.all(o.seeds.map((name) => makeSeed(work, name)));
  const seeds: Seed[] = [];
  for (const s of made) {
    if (typeof s === 'string') console.log(`fuzz: seed ${s} (left out)`);
    else seeds.push(s);
  }
  if (seeds.length === 0) throw new Error('fuzz: no seed could be dumped');
  const kinds = new Set(seeds.flatMap((s) => [...s.set.keys()].map((f) => f.replace(/-[0-9a-f]+\.img$|\.img$/, ''))));
  console.log(`fuzz: ${seeds.length} seeds (${[...kinds].sort().join(' ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js');
  const tally = new Tally();
  let next = o.first;
  const end = o.first + o.cases;
  const started = performance.now();
  let lastReport = started;
  const workers: Worker[] = [];
  const lane = async (index: number): Promise<void> => {
    const w = new Worker(script);
    workers.push(w);
    const caseDir = new CaseDir(path.join(work, `case-${index}`));
    while (next < end) {
      const caseNo = next++;
      const seed = seeds[caseNo % seeds.length]!;
      const m = mutate(seed.set, caseNo);
      caseDir.write(seed, m.set);
      const r = await w.run({ caseNo, dir: caseDir.dir });
      const err = w.takeStderr();
      if (err.trim()) tally.note(/\n\s+at /.test(err) ? 'stack' : 'unclear', caseNo, seed.name, m.what, `the restore wrote to stderr: ${err.trim().split('\n').slice(0, 3).join(' | ')}`);
      if ('hung' in r) tally.note('hang', caseNo, seed.name, m.what, `no answer in ${HANG_MS / 1000} s`);
      else if ('died' in r) tally.note('crash', caseNo, seed.name, m.what, `the restoring process ${r.died}`);
      else {
        if (r.restored !== undefined) tally.restored++;
        else {
          tally.refused++;
          const line = r.line ?? '';
          const message = line.replace(/^Error \(criu-ts\): /, '').trim();
          const shape = message.replace(/\d+/g, 'N').replace(/0xN?[0-9a-f]*/g, '0x…');
          tally.messages.set(shape, (tally.messages.get(shape) ?? 0) + 1);
          if (!/^Error \(criu-ts\): [^\n]+\n$/.test(line) || INTERNAL.has(r.errorClass ?? '') || UNCLEAR.test(message)) {
            tally.note('unclear', caseNo, seed.name, m.what, `${r.errorClass}: ${message}`);
          }
        }
        if (r.leftAlive.length) tally.note('leftBehind', caseNo, seed.name, m.what, `pids ${r.leftAlive.join(',')} alive after: ${r.line?.trim()}`);
      }
      const now = performance.now();
      if (now - lastReport > 30_000) {
        lastReport = now;
        const done = tally.refused + tally.restored;
        console.log(`fuzz: ${done}/${o.cases} cases, ${(done / ((now - started) / 1000)).toFixed(0)}/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, (_, i) => lane(i)));
  await Promise.all(workers.map((w) => w.stop()));
  const orphans = reapOrphans();
  const secs = (performance.now() - started) / 1000;
  fs.rmSync(work, { recursive: true, force: true });

  for (const [kind, list] of Object.entries(tally.bad)) {
    for (const b of list.slice(0, 10)) console.log(`fuzz: ${kind}: case ${b.caseNo} (seed ${b.seed}; ${b.what}): ${b.why}`);
    if (list.length > 10) console.log(`fuzz: ${kind}: ... and ${list.length - 10} more`);
  }
  const top = [...tally.messages].sort((a, b) => b[1] - a[1]).slice(0, 8);
  for (const [m, n] of top) console.log(`fuzz: ${String(n).padStart(7)} x ${m.slice(0, 150)}`);
  const b = tally.bad;
  const failed = b.crash.length + b.hang.length + b.unclear.length + b.leftBehind.length + b.stack.length + orphans;
  console.log(
    `fuzz: ${o.cases} cases in ${secs.toFixed(1)} s (${(o.cases / secs).toFixed(0)}/s, ${o.jobs} workers, ${seeds.length} seeds): ` +
      `${tally.refused} refused (${tally.messages.size} distinct messages), ${tally.restored} restored; ` +
      `${b.crash.length} crashes, ${b.hang.length} hangs, ${b.stack.length} stack traces, ${b.unclear.length} unclear refusals, ` +
      `${b.leftBehind.length + orphans} left behind`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: ${(e as Error).message}`);
    process.exit(1);
  },
);
