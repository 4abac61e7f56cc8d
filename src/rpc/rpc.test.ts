// CRIU's RPC end to end: `criu-ts swrk 3` on a socketpair, as runc and crun run criu, and
// `criu-ts service` on a socket path. Every request type gets its answer; bad packets get an
// error answer and the connection (and the service) goes on.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterAdvances, isAlive, startTarget } from '../testing/targets.js';
import { criuTsMain, startSwrk, type SwrkClient } from '../testing/rpc-client.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_SEQPACKET, connect, recvmsg, socket, socketpair, sockaddrUn } from '../sys/socket.js';
import { pollIn } from '../sys/unix-seqpacket.js';
import { RpcChannel } from './channel.js';
import { decodeResponse, encodeRequest, encodeResponse } from './messages.js';
import { notifier } from './serve.js';

const { ENOTSUP, ECHILD } = os.constants.errno;
let tmp: string;
const clients: SwrkClient[] = [];

function swrk(): SwrkClient {
  const c = startSwrk();
  clients.push(c);
  return c;
}

beforeAll(() => {
  if (!fs.existsSync(criuTsMain)) throw new Error(`${criuTsMain} is missing: build first (npm run build:ts)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-rpc-'));
});
afterAll(() => {
  for (const c of clients) c.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('swrk: one request per connection', () => {
  it('answers VERSION with CRIU 4.2 and exits once the connection is done', async () => {
    const c = swrk();
    const resp = await c.ask({ type: 'VERSION' });
    expect(resp).toMatchObject({ type: 'VERSION', success: true, version: { major_number: 4, minor_number: 2, sublevel: 0 } });
    expect(resp?.version?.gitid).toBeUndefined();
    expect(await c.exited).toBe(0);
  });

  it('serves several requests with keep_open', async () => {
    const c = swrk();
    expect(await c.ask({ type: 'FEATURE_CHECK', keep_open: true, features: { mem_track: true, lazy_pages: true } })).toEqual({
      type: 'FEATURE_CHECK', success: true, features: { mem_track: true, lazy_pages: false, pidfd_store: false },
    });
    expect(await c.ask({ type: 'CHECK', keep_open: true })).toEqual({ type: 'CHECK', success: true });
    expect(await c.ask({ type: 'WAIT_PID', keep_open: true, pid: process.pid })).toMatchObject({ type: 'WAIT_PID', success: false, cr_errno: ECHILD });
    for (const type of ['PAGE_SERVER', 'PAGE_SERVER_CHLD', 'CPUINFO_DUMP', 'CPUINFO_CHECK'] as const) {
      const resp = await c.ask({ type, keep_open: true });
      expect(resp, type).toMatchObject({ type, success: false, cr_errno: ENOTSUP });
      expect(resp?.cr_errmsg, type).toMatch(/not supported yet/);
    }
    for (const type of ['EMPTY', 'NOTIFY', 99] as const) {
      expect(await c.ask({ type, keep_open: true }), String(type)).toMatchObject({ type: 'EMPTY', success: false, cr_errmsg: expect.stringMatching(/invalid request type/) });
    }
    expect(await c.ask({ type: 'VERSION' })).toMatchObject({ success: true });
    expect(await c.exited).toBe(0);
  });
});

describe('swrk: malformed packets', () => {
  const bad: [string, Buffer][] = [
    ['garbage', Buffer.from([0xff, 0xff, 0xff])],
    ['a truncated varint', Buffer.from([0x08])],
    ['a truncated opts', encodeRequest({ type: 'DUMP', opts: { images_dir_fd: 3, pid: 1234 } }).subarray(0, 5)],
    ['no type (required)', Buffer.from([0x20, 0x01])],
  ];
  it.each(bad)('answers %s with an error and keeps serving', async (_name, packet) => {
    const c = swrk();
    const resp = await c.ask(packet);
    expect(resp).toMatchObject({ type: 'EMPTY', success: false, cr_errmsg: expect.stringMatching(/malformed request/) });
    expect(await c.ask({ type: 'VERSION' })).toMatchObject({ type: 'VERSION', success: true });
    expect(await c.exited).toBe(0);
  });
});

describe('swrk: DUMP and RESTORE', () => {
  it('refuses what it cannot do in the answer, naming every field', async () => {
    const c = swrk();
    const dump = await c.ask({ type: 'DUMP', keep_open: true, opts: { images_dir_fd: -1, images_dir: tmp, pid: 1, lazy_pages: true, manage_cgroups_mode: 'FULL', auto_dedup: false } });
    expect(dump).toMatchObject({ type: 'DUMP', success: false, cr_errno: ENOTSUP });
    expect(dump?.cr_errmsg).toMatch(/lazy_pages \(lazy pages\)/);
    expect(dump?.cr_errmsg).toMatch(/manage_cgroups_mode \(mode FULL/);
    expect(dump?.cr_errmsg).not.toMatch(/auto_dedup/);
    const restore = await c.ask({ type: 'RESTORE', opts: { images_dir_fd: -1, images_dir: tmp, rst_sibling: true } });
    expect(restore).toMatchObject({ type: 'RESTORE', success: false, restore: { pid: -1 }, cr_errmsg: expect.stringMatching(/rst_sibling/) });
  });

  it('dumps and restores a counter through images_dir_fd, with every notification answered', async () => {
    const target = startTarget('counter');
    const dir = fs.mkdtempSync(path.join(tmp, 'img-'));
    const dirFd = fs.openSync(dir, 'r');
    try {
      const d = swrk();
      const dumped = await d.ask({ type: 'DUMP', opts: { images_dir_fd: dirFd, pid: target.pid, log_file: 'dump.log', log_level: 4, notify_scripts: true, manage_cgroups: true } });
      expect(dumped, fs.readFileSync(path.join(dir, 'dump.log'), 'utf8')).toEqual({ type: 'DUMP', success: true, dump: { restored: false } });
      expect(d.notified).toEqual(['pre-dump', 'post-dump']);
      expect(fs.readFileSync(path.join(dir, 'dump.log'), 'utf8')).toMatch(/manage_cgroups SOFT/);
      for (let i = 0; i < 100 && isAlive(target.pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(isAlive(target.pid)).toBe(false);

      const r = swrk();
      const restored = await r.ask({ type: 'RESTORE', opts: { images_dir_fd: dirFd, log_file: 'restore.log', log_level: 4, notify_scripts: true } });
      expect(restored, fs.readFileSync(path.join(dir, 'restore.log'), 'utf8')).toEqual({ type: 'RESTORE', success: true, restore: { pid: target.pid } });
      const pid = target.pid;
      expect(r.notified).toEqual(['pre-restore', `setup-namespaces:${pid}`, 'post-setup-namespaces', `post-restore:${pid}`, 'pre-resume', 'post-resume']);
      await counterAdvances(target.statusFile);
    } finally {
      target.kill();
      fs.closeSync(dirFd);
    }
  });

  it('a failed post-dump notification fails the dump and leaves the tree running', async () => {
    const target = startTarget('counter');
    try {
      const c = swrk();
      const resp = await c.ask({ type: 'DUMP', opts: { images_dir_fd: -1, images_dir: fs.mkdtempSync(path.join(tmp, 'img-')), pid: target.pid, notify_scripts: true } },
        (script) => script !== 'post-dump');
      expect(resp).toMatchObject({ type: 'DUMP', success: false, cr_errmsg: expect.stringMatching(/reported an error at post-dump/) });
      await counterAdvances(target.statusFile);
    } finally {
      target.kill();
    }
  });
});

describe('swrk: PRE_DUMP', () => {
  it('runs pre-dumps and the final dump on one connection, each on its parent, and the restore keeps the counter', async () => {
    const target = startTarget('counter');
    const dirs = ['pre1', 'pre2', 'final'].map((n) => { const d = path.join(tmp, `chain-${n}`); fs.mkdirSync(d, 0o700); return d; });
    const fds = dirs.map((d) => fs.openSync(d, 'r'));
    try {
      const c = swrk();
      // keep_open is not set: a PRE_DUMP keeps the connection open on its own, as CRIU's does.
      expect(await c.ask({ type: 'PRE_DUMP', opts: { images_dir_fd: fds[0]!, pid: target.pid, log_file: 'pre.log' } })).toEqual({ type: 'PRE_DUMP', success: true });
      expect(await c.ask({ type: 'PRE_DUMP', opts: { images_dir_fd: fds[1]!, pid: target.pid, parent_img: '../chain-pre1', track_mem: true, log_file: 'pre.log' } }))
        .toEqual({ type: 'PRE_DUMP', success: true });
      const dumped = await c.ask({ type: 'DUMP', opts: { images_dir_fd: fds[2]!, pid: target.pid, parent_img: '../chain-pre2', track_mem: true, log_file: 'dump.log', log_level: 4, display_stats: true } });
      const dumpLog = fs.readFileSync(path.join(dirs[2]!, 'dump.log'), 'utf8');
      expect(dumped, dumpLog).toEqual({ type: 'DUMP', success: true, dump: { restored: false } });
      expect(await c.exited).toBe(0);
      expect(fs.readlinkSync(path.join(dirs[1]!, 'parent'))).toBe('../chain-pre1');
      expect(fs.readlinkSync(path.join(dirs[2]!, 'parent'))).toBe('../chain-pre2');
      expect(dumpLog).toMatch(/Memory pages skipped from parent: [1-9]/);
      for (let i = 0; i < 100 && isAlive(target.pid); i++) await new Promise((r) => setTimeout(r, 20));

      const r = swrk();
      expect(await r.ask({ type: 'RESTORE', opts: { images_dir_fd: fds[2]!, log_file: 'restore.log' } })).toEqual({ type: 'RESTORE', success: true, restore: { pid: target.pid } });
      await counterAdvances(target.statusFile);
    } finally {
      target.kill();
      for (const fd of fds) fs.closeSync(fd);
    }
  });

  it('ends a pre-dump sequence on any request but PRE_DUMP or DUMP, with an error answer', async () => {
    const target = startTarget('counter');
    try {
      const c = swrk();
      expect(await c.ask({ type: 'PRE_DUMP', opts: { images_dir_fd: -1, images_dir: fs.mkdtempSync(path.join(tmp, 'pre-')), pid: target.pid } })).toEqual({ type: 'PRE_DUMP', success: true });
      expect(await c.ask({ type: 'VERSION', keep_open: true })).toMatchObject({ type: 'EMPTY', success: false, cr_errmsg: expect.stringMatching(/VERSION after PRE_DUMP/) });
      expect(await c.exited).toBe(0);
      await counterAdvances(target.statusFile);
    } finally {
      target.kill();
    }
  });

  it('answers SINGLE_PRE_DUMP alone, and a failed pre-dump ends the sequence', async () => {
    const target = startTarget('counter');
    try {
      const c = swrk();
      expect(await c.ask({ type: 'SINGLE_PRE_DUMP', keep_open: true, opts: { images_dir_fd: -1, images_dir: fs.mkdtempSync(path.join(tmp, 'pre-')), pid: target.pid } }))
        .toEqual({ type: 'SINGLE_PRE_DUMP', success: true });
      expect(await c.ask({ type: 'VERSION', keep_open: true })).toMatchObject({ type: 'VERSION', success: true });
      const bad = await c.ask({ type: 'PRE_DUMP', opts: { images_dir_fd: -1, images_dir: fs.mkdtempSync(path.join(tmp, 'pre-')), pid: target.pid, parent_img: '../nowhere' } });
      expect(bad).toMatchObject({ type: 'PRE_DUMP', success: false, cr_errmsg: expect.stringMatching(/holds no dump/) });
      expect(await c.exited).toBe(0);
      await counterAdvances(target.statusFile);
    } finally {
      target.kill();
    }
  });
});

describe('NOTIFY with an fd (orphan-pts-master)', () => {
  it('sends the fd with SCM_RIGHTS and waits for the answer', async () => {
    const [a, b] = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
    const ptmx = fs.openSync('/dev/ptmx', 'r+');
    try {
      const hook = notifier(new RpcChannel(a), { error() {}, warn() {}, info() {}, debug() {}, progress() {} });
      const sent = hook('orphan-pts-master', { fd: ptmx });
      let got: { data: Buffer; fds: number[] } | undefined;
      while (!got) {
        if (pollIn(b, 0)) got = recvmsg(b, 4096, 0);
        else await new Promise((r) => setTimeout(r, 5));
      }
      expect(decodeResponse(got.data)).toEqual({ type: 'NOTIFY', success: true, notify: { script: 'orphan-pts-master' } });
      expect(got.fds).toHaveLength(1);
      expect(fs.fstatSync(got.fds[0]!).rdev).toBe(fs.fstatSync(ptmx).rdev);
      fs.closeSync(got.fds[0]!);
      new RpcChannel(b).send(encodeRequest({ type: 'NOTIFY', notify_success: true }));
      await sent;
    } finally {
      fs.closeSync(ptmx);
      fs.closeSync(a);
      fs.closeSync(b);
    }
  });
});

describe('service', () => {
  it('answers each connection, bad ones too, and stays up', async () => {
    const address = path.join(tmp, 'criu_service.socket');
    const pidfile = path.join(tmp, 'service.pid');
    const service = spawn(process.execPath, [criuTsMain, 'service', '--address', address, '--pidfile', pidfile], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 200 && !fs.existsSync(pidfile); i++) await new Promise((r) => setTimeout(r, 20));
      expect(Number(fs.readFileSync(pidfile, 'utf8'))).toBe(service.pid);
      const ask = async (packet: Buffer) => {
        const fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
        const ch = new RpcChannel(fd);
        try {
          connect(fd, sockaddrUn(Buffer.from(address)));
          ch.send(packet);
          const answer = await ch.receive();
          return answer && decodeResponse(answer);
        } finally {
          ch.close();
        }
      };
      expect(await ask(Buffer.from([0x08, 0x01, 0x12, 0x05, 0x08]))).toMatchObject({ type: 'EMPTY', success: false });
      expect(await ask(encodeRequest({ type: 'VERSION' }))).toMatchObject({ type: 'VERSION', success: true });
      expect(await ask(encodeRequest({ type: 'PAGE_SERVER' }))).toMatchObject({ type: 'PAGE_SERVER', success: false, cr_errno: ENOTSUP });
      expect(service.exitCode).toBeNull();
    } finally {
      service.kill('SIGKILL');
    }
  });
});

describe('service --status-fd', () => {
  it('writes one zero byte to the fd and closes it once a client can connect', async () => {
    const address = path.join(tmp, 'status.socket');
    const service = spawn(process.execPath, [criuTsMain, 'service', '--address', address, '--status-fd', '3'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    try {
      const status = service.stdio[3] as NodeJS.ReadableStream;
      const bytes: Buffer[] = [];
      status.on('data', (b: Buffer) => bytes.push(b));
      await new Promise((r) => status.on('end', r));
      expect(Buffer.concat(bytes)).toEqual(Buffer.of(0));
      const fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
      try {
        connect(fd, sockaddrUn(Buffer.from(address)));
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      service.kill('SIGKILL');
    }
  });

  it('fails at once, listening nowhere, when the fd is not open', () => {
    const address = path.join(tmp, 'nostatus.socket');
    const r = spawnSync(process.execPath, [criuTsMain, 'service', '--address', address, '--status-fd', '57'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--status-fd 57: no such open fd');
    expect(fs.existsSync(address)).toBe(false);
  });
});

it('encodes what it decodes (a response round trip)', () => {
  const resp = { type: 'RESTORE' as const, success: true, restore: { pid: 42 } };
  expect(decodeResponse(encodeResponse(resp))).toEqual(resp);
});
