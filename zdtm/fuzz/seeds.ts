// Seed image sets for the fuzzer: catalog programs started by the ZDTM protocol and dumped by
// criu-ts (which kills them, so their pids are free for the restores). Together they hold every
// image kind criu-ts writes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dump } from '../../src/dump/index.js';
import { packageRoot } from '../../src/sys/native.js';
import { hostArch } from '../../src/arch/index.js';
import { parseDesc } from '../runner/desc.js';
import { wait, WNOHANG } from '../../src/sys/ptrace.js';
import type { ImageSet } from './mutate.js';

/** Catalog tests whose images between them have every kind: tasks, zombies, sessions, fds of each kind, shared memory, timers. */
export const SEED_TESTS = [
  'pipe00', 'children00', 'zombie00', 'session00', 'threads00', 'unix_stream00', 'unix_dgram00', 'unix_listen00',
  'unlink_open00', 'eventfd00', 'timerfd00', 'signalfd00', 'epoll00', 'inotify00', 'memfd00', 'anon_shared00',
  'posix_timer00', 'seccomp00', 'fifo00', 'tcp_listen00', 'udp00', 'sigpending00', 'file_shared00', 'caps00', 'uts00', 'ipcns00', 'timens00', 'ns_fd00', 'pty01', 'pidfd00', 'netlink00',
];

export interface Seed {
  name: string;
  /** Where the dumped images are (their unchanged files are linked from here into each case). */
  dir: string;
  set: ImageSet;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (cond()) return true;
  return cond();
}

function reaped(pid: number): boolean {
  try {
    return wait(pid, WNOHANG).kind !== 'none';
  } catch {
    return !fs.existsSync(`/proc/${pid}`); // not our child: someone else reaps it
  }
}

export function loadSet(dir: string): ImageSet {
  return new Map(fs.readdirSync(dir).filter((f) => !f.endsWith('.log')).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

/** Starts test `name` in work/name, dumps it into work/name/img; a seed, or why not. */
export async function makeSeed(work: string, name: string): Promise<Seed | string> {
  const buildDir = path.join(packageRoot(), 'zdtm', 'build', hostArch().name);
  const bin = path.join(buildDir, name);
  if (!fs.existsSync(bin)) return `${name}: not built (make -C zdtm)`;
  const descFile = path.join(packageRoot(), 'zdtm', 'static', `${name}.desc.json`);
  const desc = parseDesc(fs.readFileSync(descFile, 'utf8'), descFile);
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const pidfile = path.join(dir, 'test.pid');
  const child = spawn(bin, [`--pidfile=${pidfile}`, `--outfile=${path.join(dir, 'test.out')}`, ...desc.args], { cwd: dir, stdio: 'ignore', detached: true });
  child.unref();
  if (!(await until(() => (fs.existsSync(pidfile) && fs.readFileSync(pidfile, 'utf8').trim() !== ''), 10_000))) return `${name}: no pidfile`;
  const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
  const img = path.join(dir, 'img');
  try {
    await dump({ pid, imagesDir: img, fileLocks: true, tcpEstablished: true });
  } catch (e) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    return `${name}: dump failed: ${(e as Error).message}`;
  }
  // The caller is a child subreaper, so the daemonized test is our child: reaped here at once
  // (this machine's init reaps orphans only every second or two).
  await until(() => reaped(pid), 5000);
  return { name, dir: img, set: loadSet(img) };
}
