// Soak: N (default 1000) dump/restore cycles of one program with threads, a pipe, a unix
// socketpair, a timerfd and an interval timer (bench/soak-target.c), in this process through
// the library. After each cycle the restored program must run on without errors, with the
// same fds, mappings and threads as the first time and no zombie; criu-ts itself (this
// process) must keep its fds, threads and children, and its RSS must stay flat.
// Prints the figures; exits non-zero on any leak or error.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from '../src/dump/index.js';
import { restore } from '../src/restore/index.js';
import { packageRoot } from '../src/sys/native.js';
import { setChildSubreaper } from '../src/sys/proc-ops.js';
import { wait } from '../src/sys/ptrace.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => T | undefined, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; ; await sleep(10)) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`soak: timed out waiting for ${what}`);
  }
}

interface Shape {
  fds: number;
  maps: number;
  threads: number;
  children: number;
  zombies: number;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (text) out.push(...text.split(' ').map(Number));
  }
  return out;
}

const stateOf = (pid: number): string => {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s[s.lastIndexOf(')') + 2]!;
};

function shape(pid: number | 'self'): Shape {
  const p = `/proc/${pid}`;
  const kids = childrenOf(pid === 'self' ? process.pid : pid);
  return {
    fds: fs.readdirSync(`${p}/fd`).length,
    maps: fs.readFileSync(`${p}/maps`, 'utf8').trim().split('\n').length,
    threads: Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync(`${p}/status`, 'utf8'))![1]),
    children: kids.length,
    zombies: kids.filter((k) => stateOf(k) === 'Z').length,
  };
}

const rssKiB = (): number => Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);

/** What criu-ts still holds after a full collection (node runs with --expose-gc), in KiB. */
function held(): { rss: number; heap: number; external: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: rssKiB(), heap: m.heapUsed / 1024, external: m.external / 1024 };
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

function status(file: string): { rounds: number; errors: number } | undefined {
  const m = /^(\d+) (\d+)\n$/.exec(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  return m ? { rounds: Number(m[1]), errors: Number(m[2]) } : undefined;
}

const fmt = (s: Shape): string => `${s.fds} fds, ${s.maps} maps, ${s.threads} threads, ${s.children} children (${s.zombies} zombies)`;
const same = (a: Shape, b: Shape, maps = true): boolean =>
  a.fds === b.fds && (!maps || a.maps === b.maps) && a.threads === b.threads && a.children === b.children && a.zombies === b.zombies;

async function main(): Promise<number> {
  const cycles = Number(/^--cycles=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 1000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-soak-'));
  const bin = path.join(work, 'soak-target');
  const cc = spawnSync('gcc', ['-O2', '-pthread', '-o', bin, path.join(packageRoot(), 'bench', 'soak-target.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`soak: gcc failed: ${cc.stderr}`);
  // The restored program (detached: its restorer's child exits) becomes our child, so it is we
  // who reap it after each dump, at once, and any other child or zombie left is a leak.
  setChildSubreaper();
  const statusFile = path.join(work, 'status');
  // setsid: its own session, as a daemon; criu-ts restores it detached into the same.
  const child = spawn('setsid', [bin, statusFile], { cwd: work, stdio: 'ignore', detached: true });
  child.unref();
  let pid = await until('the target', () => {
    const out = spawnSync('pgrep', ['-f', `^${bin} `], { encoding: 'utf8' }).stdout.trim();
    return out ? Number(out.split('\n')[0]) : undefined;
  });
  await until('the target to report', () => status(statusFile));

  let target: Shape | undefined;
  let ours: Shape | undefined;
  // criu-ts's memory after a full collection, at the end of the warm-up (cycle 50) and at the end.
  let warm: ReturnType<typeof held> | undefined;
  let mapsFirst = 0;
  let mapsMax = 0;
  let dumpMs = 0;
  let restoreMs = 0;
  let problems = 0;
  const started = performance.now();
  try {
    for (let i = 1; i <= cycles; i++) {
      const img = path.join(work, 'img');
      fs.rmSync(img, { recursive: true, force: true });
      const t0 = performance.now();
      await dump({ pid, imagesDir: img });
      try {
        wait(pid);
      } catch {
        /* the first one was node's child, reaped by node */
      }
      await until(`pid ${pid} to be free`, () => (fs.existsSync(`/proc/${pid}`) ? undefined : true));
      const t1 = performance.now();
      const r = await restore({ imagesDir: img, detached: true });
      const t2 = performance.now();
      dumpMs += t1 - t0;
      restoreMs += t2 - t1;
      pid = r.pid;
      const before = status(statusFile)!;
      const after = await until('the restored target to run on', () => {
        const s = status(statusFile);
        return s && s.rounds >= before.rounds + 20 ? s : undefined;
      });
      const t = shape(pid);
      const o = shape('self');
      if (i === 1) {
        target = t;
        ours = o;
      }
      if (i === Math.min(50, cycles)) warm = held();
      const bad: string[] = [];
      if (after.errors) bad.push(`the target counted ${after.errors} errors`);
      if (!same(t, target!)) bad.push(`target: ${fmt(t)}, was ${fmt(target!)}`);
      // Our mappings breathe with V8's heap: their count is watched at the end, not per cycle.
      mapsMax = Math.max(mapsMax, o.maps);
      if (i === Math.min(50, cycles)) mapsFirst = o.maps;
      if (!same(o, ours!, false)) bad.push(`criu-ts: ${fmt(o)}, was ${fmt(ours!)}`);
      if (bad.length) {
        problems++;
        console.log(`soak: cycle ${i}: ${bad.join('; ')}`);
        if (problems >= 10) break;
      }
      if (i % 100 === 0 || i === cycles) {
        const m = held();
        console.log(`soak: ${i} cycles, ${((performance.now() - started) / i).toFixed(0)} ms each; target ${fmt(t)}, ${after.rounds} rounds; ` +
          `criu-ts ${fmt(o)}, RSS ${mib(m.rss)} MiB (heap ${mib(m.heap)}, external ${mib(m.external)})`);
      }
    }
  } finally {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
  const end = held();
  // Flat: what the heap and buffers hold may not grow by more than a few KiB a cycle (V8 keeps
  // some code and caches of its own); RSS, which malloc's arenas make lumpier, by 16 MiB.
  const leakKiB = cycles * 4;
  for (const [what, before, now, limit] of [['heap', warm?.heap, end.heap, leakKiB], ['external', warm?.external, end.external, leakKiB], ['RSS', warm?.rss, end.rss, 16384]] as const) {
    if (before !== undefined && now - before > limit) {
      problems++;
      console.log(`soak: criu-ts ${what} grew ${mib(now - before)} MiB after the warm-up`);
    }
  }
  const mapsLast = shape('self').maps;
  if (mapsFirst && mapsLast > mapsFirst + 64) {
    problems++;
    console.log(`soak: criu-ts mappings grew from ${mapsFirst} to ${mapsLast} after the warm-up`);
  }
  console.log(
    `soak: criu-ts mappings ${mapsFirst} at cycle 50, ${mapsLast} at the end, ${mapsMax} at most`,
  );
  console.log(
    `soak: ${cycles} dump/restore cycles, dump ${(dumpMs / cycles).toFixed(0)} ms, restore ${(restoreMs / cycles).toFixed(0)} ms on average; ` +
      `target ${fmt(target!)} every cycle; criu-ts ${fmt(ours!)}; after a collection at cycle 50 and at the end: ` +
      `RSS ${mib(warm?.rss ?? 0)} -> ${mib(end.rss)} MiB, heap ${mib(warm?.heap ?? 0)} -> ${mib(end.heap)}, external ${mib(warm?.external ?? 0)} -> ${mib(end.external)}; ` +
      `${problems ? `${problems} PROBLEMS` : 'no leak'}`,
  );
  return problems ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
