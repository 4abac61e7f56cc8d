// dump -> restore of programs people run rather than test programs: a node HTTP server with
// a keep-alive client connected across the checkpoint, redis-server with its keys and a
// connected client, sqlite3 in a tmux pane (installed by ci/install-programs.sh), a python3 program, and catalog tests
// linked statically (no ld.so, no libc.so: the static runtime sets up TLS and the vDSO itself).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { criuCommands } from '../../zdtm/runner/catalog-run.js';
import { loadCatalog } from '../../zdtm/runner/desc.js';
import { parseRunnerArgs } from '../../zdtm/runner/options.js';
import { runTest } from '../../zdtm/runner/test-run.js';
import { dump } from '../dump/index.js';
import { restore } from '../restore/index.js';
import { packageRoot } from '../sys/native.js';
import { alive, until } from '../demo/programs.js';

const isRoot = process.getuid?.() === 0;
const runs = (...argv: string[]): boolean => {
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const hasPython = runs('python3', '-c', '');
const hasRedis = runs('redis-server', '--version');
const hasTmux = runs('tmux', '-V') && runs('sqlite3', '--version');
const hasIptables = runs('iptables', '-w', '-S', 'INPUT');
/** criu-ts's network-lock rules now in INPUT that name this port. */
const lockRules = (port: number): string[] =>
  execFileSync('iptables', ['-w', '-S', 'INPUT'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('criu-ts') && l.includes(`--dport ${port} `));

// A server that counts the requests it served; keepAliveTimeout 0: an idle connection stays
// open however long the checkpoint takes.
const NODE_SERVER = `
const fs = require('fs'), http = require('http');
let served = 0;
const server = http.createServer((req, res) => res.end(process.pid + ' ' + ++served + ' ' + req.url));
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => fs.writeFileSync(process.argv[1], JSON.stringify({ pid: process.pid, port: server.address().port })));
`;

// Counts lines into its outfile; on SIGTERM checks that 8 MiB of random data kept its digest.
const PYTHON_COUNTER = `
import hashlib, os, signal, sys, time
ready, out = sys.argv[1], sys.argv[2]
data = os.urandom(8 << 20)
digest = hashlib.sha256(data).hexdigest()
log = open(out, 'a', buffering=1)
stop = False
def on_term(sig, frame):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
with open(ready + '.tmp', 'w') as f:
    f.write(str(os.getpid()))
os.rename(ready + '.tmp', ready)
n = 0
while not stop:
    log.write(f'{n}\\n')
    n += 1
    time.sleep(0.02)
log.write('PASS\\n' if hashlib.sha256(data).hexdigest() == digest else 'FAIL: data changed\\n')
`;

/** Starts argv in its own session, not as our child (init adopts it), in dir. */
function daemon(dir: string, argv: string[]): void {
  execFileSync('sh', ['-c', 'setsid "$@" </dev/null >>output 2>&1 &', 'sh', ...argv], { cwd: dir });
}

async function checkpointAndRestore(pid: number, images: string, tcpEstablished = false, whileDown?: () => void): Promise<void> {
  fs.mkdirSync(images, 0o700);
  await dump({ pid, imagesDir: images, tcpEstablished });
  await until(`pid ${pid} to be free`, () => !fs.existsSync(`/proc/${pid}`));
  whileDown?.();
  const r = await restore({ imagesDir: images, detached: true });
  expect(r.pid).toBe(pid);
}

/** A free TCP port on 127.0.0.1 (taken and given back). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One redis connection: each command (a RESP array) gets its reply line. */
class RedisClient {
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  private failed: Error | undefined;
  readonly socket: net.Socket;
  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('error', (e) => (this.failed = e));
    this.socket.on('close', () => (this.failed ??= new Error('the connection closed')));
    this.socket.on('data', (d: string) => {
      this.buf += d;
      for (let nl = this.buf.indexOf('\r\n'); nl >= 0 && this.waiting.length; nl = this.buf.indexOf('\r\n')) {
        let end = nl + 2;
        if (this.buf[0] === '$' && this.buf.slice(1, nl) !== '-1') {
          end = nl + 2 + Number(this.buf.slice(1, nl)) + 2; // a bulk string: its length line, then the bytes
          if (this.buf.length < end) break;
        }
        const reply = this.buf.slice(0, end).trim().split('\r\n').at(-1)!;
        this.buf = this.buf.slice(end);
        this.waiting.shift()!(reply);
      }
    });
  }
  /** The reply to one command; rejects when the connection failed or no reply came in 10 s. */
  send(...words: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      const timer = setTimeout(() => reject(new Error(`no reply to ${words.join(' ')} in 10 s (${this.failed?.message ?? 'connection open'})`)), 10_000);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
      this.socket.write(`*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`);
    });
  }
}

interface Reply {
  body: string;
  localPort: number;
  reused: boolean;
}

function get(port: number, urlPath: string, agent: http.Agent | false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      const localPort = res.socket.localPort!; // the agent takes the socket back at the end
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ body, localPort, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

describe.runIf(isRoot)('checkpoint and restore of real programs', () => {
  let dir: string;
  let pid = 0;
  afterEach(() => {
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    pid = 0;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const workDir = (name: string): string => (dir = fs.mkdtempSync(path.join(os.tmpdir(), `criu-ts-e2e-${name}-`)));

  // The tmux server holds the pane's pty master, sqlite3 leads a session on its slave.
  it.runIf(hasTmux)('sqlite3 in a tmux pane keeps its database and answers keys after restore', async () => {
    const wd = workDir('tmux');
    const sock = path.join(wd, 'sock');
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', sock, ...args], { encoding: 'utf8' });
    const screen = (): string => tmux('capture-pane', '-p', '-t', 'q');
    tmux('new-session', '-d', '-s', 'q', '-x', '80', '-y', '24', `sqlite3 ${path.join(wd, 'db')}`);
    await until('the sqlite3 prompt', () => screen().includes('sqlite>'));
    // A trailing ';' would end the tmux command: the space keeps it sqlite's.
    tmux('send-keys', '-t', 'q', 'create table t(x); insert into t values(21); ', 'Enter');
    await until('the insert', () => screen().split('sqlite>').length > 2);
    pid = Number(tmux('display-message', '-p', '#{pid}').trim());
    const images = path.join(wd, 'img');
    fs.mkdirSync(images, 0o700);
    await dump({ pid, imagesDir: images });
    await until(`pid ${pid} to be free`, () => !alive(pid));
    expect((await restore({ imagesDir: images, detached: true })).pid).toBe(pid);
    tmux('send-keys', '-t', 'q', 'select x*2 from t; ', 'Enter');
    await until('the answer', () => /\n42\n/.test(screen()));
  });

  it('a node HTTP server goes on serving its keep-alive client on the same connection', async () => {
    const wd = workDir('node');
    daemon(wd, [process.execPath, '-e', NODE_SERVER, path.join(wd, 'ready')]);
    const ready = await until('the server to listen', () => fs.existsSync(path.join(wd, 'ready')) && fs.readFileSync(path.join(wd, 'ready'), 'utf8'));
    const { pid: server, port } = JSON.parse(ready) as { pid: number; port: number };
    pid = server;
    // TCP keepalive probes only after a minute: a probe while the server is down would be reset.
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000, maxSockets: 1 });
    try {
      const first = await get(port, '/a', agent);
      expect(first.body).toBe(`${server} 1 /a`);
      expect((await get(port, '/b', agent)).body).toBe(`${server} 2 /b`);

      await checkpointAndRestore(server, path.join(wd, 'img'), true);
      expect(fs.readlinkSync(`/proc/${server}/exe`)).toBe(fs.realpathSync(process.execPath));
      const after = await get(port, '/c', agent);
      expect(after).toEqual({ body: `${server} 3 /c`, localPort: first.localPort, reused: true });
      expect((await get(port, '/d', false)).body).toBe(`${server} 4 /d`); // and it still accepts
    } finally {
      agent.destroy();
    }
  });

  // With iptables, the connection is locked while redis is down: whatever the client's kernel
  // sends then (a late ACK) is dropped, not answered with a reset.
  it.runIf(hasRedis && hasIptables)('redis-server keeps its keys and its connected client (--tcp-established)', async () => {
    const wd = workDir('redis');
    const port = await freePort();
    execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes',
      '--dir', wd, '--pidfile', path.join(wd, 'redis.pid'), '--logfile', path.join(wd, 'redis.log')]);
    pid = await until('redis to start', () => fs.existsSync(path.join(wd, 'redis.pid')) && Number(fs.readFileSync(path.join(wd, 'redis.pid'), 'utf8')));
    const log = path.join(wd, 'redis.log');
    await until('redis to accept', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('Ready to accept connections'));
    const client = new RedisClient(port);
    try {
      expect(await client.send('PING')).toBe('+PONG');
      expect(await client.send('SET', 'key', 'kept across the checkpoint')).toBe('+OK');
      for (let i = 1; i <= 100; i++) expect(await client.send('INCR', 'count')).toBe(`:${i}`);
      const before = client.socket.localPort;

      let locked: string[] = [];
      await checkpointAndRestore(pid, path.join(wd, 'img'), true, () => (locked = lockRules(port)));
      expect(locked).toHaveLength(1);
      expect(lockRules(port)).toEqual([]); // unlocked once the connection is back
      // The same connection goes on where it was, and the keys are all there.
      expect(await client.send('INCR', 'count')).toBe(':101');
      expect(await client.send('GET', 'key')).toBe('kept across the checkpoint');
      expect(client.socket.localPort).toBe(before);
      const other = new RedisClient(port); // and it still accepts
      try {
        expect(await other.send('GET', 'count')).toBe('101');
      } finally {
        other.socket.destroy();
      }
    } finally {
      client.socket.destroy();
    }
  });

  it.runIf(hasPython)('a python3 program counts on and keeps its data', async () => {
    const wd = workDir('python');
    const [ready, out] = [path.join(wd, 'ready'), path.join(wd, 'out')];
    daemon(wd, ['python3', '-c', PYTHON_COUNTER, ready, out]);
    pid = await until('the program to start', () => fs.existsSync(ready) && Number(fs.readFileSync(ready, 'utf8')));
    const lines = (): string[] => fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
    const before = await until('a few lines', () => lines().length > 10 && lines());
    await checkpointAndRestore(pid, path.join(wd, 'img'));
    await until('more lines', () => lines().length > before.length + 10);
    process.kill(pid, 'SIGTERM');
    const all = await until('the verdict', () => lines().includes('PASS') || lines().some((l) => l.startsWith('FAIL')) ? lines() : undefined);
    expect(all[all.length - 1]).toBe('PASS');
    all.slice(0, -1).forEach((l, i) => expect(Number(l)).toBe(i)); // one count, no gap, no restart
    await until('the program to exit', () => !alive(pid));
  });

  const staticTests = ['pipe00', 'threads00', 'sigaction00', 'vdso00'];
  it.each(staticTests)('the catalog test %s linked statically passes', async (name) => {
    const wd = workDir(`static-${name}`);
    const zdtm = path.join(packageRoot(), 'zdtm');
    const bin = path.join(wd, name);
    execFileSync('make', ['-s', '-C', zdtm, `OUT=${wd}`, 'EXTRA_LDFLAGS=-static', bin], { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(execFileSync('readelf', ['-l', bin], { encoding: 'utf8' })).not.toMatch(/INTERP/); // no dynamic loader
    const desc = loadCatalog(path.join(zdtm, 'static')).find((d) => d.name === name)!;
    const outcome = await runTest({
      bin, args: desc.args, opts: desc.opts, launcher: [], criu: criuCommands(parseRunnerArgs([])), workDir: path.join(wd, 'run'),
      nocr: false, iters: 1, preDumps: 0, timeoutSec: 60, keepImages: false,
    });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.passed).toBe(true);
  });
});
