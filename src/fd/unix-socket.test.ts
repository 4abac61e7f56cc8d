// Unix sockets of this very process dumped by the UNIXSK dumper (queues into a real
// sk-queues.img), restored by the kind, and checked by using the new sockets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readImage } from '../images/index.js';
import type { TreeImages } from '../restore/task-images.js';
import { packageRoot } from '../sys/native.js';
import { pipe2 } from '../sys/proc-ops.js';
import {
  accept4, AF_UNIX, bind, MSG_NOSIGNAL, recvmsg, sendFds, connect, getIntOpt, getsockname, listen, MSG_DONTWAIT, recv, send, setIntOpt, shutdown, SHUT_WR, SO_PASSCRED,
  SO_RCVBUF, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, sockaddrUn, socket, socketpair, SOL_SOCKET,
} from '../sys/socket.js';
import { contextOf, dumpOwn, finishInto } from '../testing/own-fd.js';
import type { FileTable } from './file-table.js';
import type { OpenContext } from './kind.js';
import { openContext } from './restore.js';
import { dirOfName, unixSocket } from './unix-socket.js';

const unixSocketFile = unixSocket.restore!;

const ours: number[] = [];
const contexts: OpenContext[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of contexts.splice(0)) {
    for (const step of c.atEnd.splice(0)) step();
    for (const fd of c.opened.splice(0)) fs.closeSync(fd);
  }
  for (const fd of ours.splice(0)) fs.closeSync(fd);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const keep = <T extends number[]>(...fds: T): T => (ours.push(...fds), fds);

/** Dumps fds (as one task holding them) and returns an opener of the restored sockets by the same index. */
function roundTrip(fds: number[], allowExternal = false): { ids: number[]; open: (i: number) => number; files: FileTable; dir: string; ctx: OpenContext } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-'));
  dirs.push(dir);
  const { dump } = dumpOwn([], dir, { extUnixSk: allowExternal, leaveRunning: true });
  const ids = fds.map((fd) => dump.dumpFd(process.pid, fd).id);
  finishInto(dump, dir);
  const ctx = contextOf(dump, dir, { tasks: [] });
  for (const id of ids) unixSocketFile.check(ctx.tree, id, ctx.options);
  contexts.push(ctx);
  return { ids, files: dump.files, dir, ctx, open: (i) => unixSocketFile.open(ctx, ids[i]!) };
}

const read = (fd: number): string => recv(fd, 65536, MSG_DONTWAIT).data.toString();

describe('unix socketpairs', () => {
  it('stream: queued bytes both ways come back, and the ends are connected', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_STREAM));
    send(a, Buffer.from('a to b'));
    send(b, Buffer.from('b to a'));
    const t = roundTrip([a, b]);
    const [na, nb] = [t.open(0), t.open(1)];
    expect(read(nb)).toBe('a to b');
    expect(read(na)).toBe('b to a');
    send(na, Buffer.from('ping'));
    expect(read(nb)).toBe('ping');
    expect(read(b)).toBe('a to b'); // the dumped socket still holds its data
  });

  it('seqpacket: records keep their boundaries; a shutdown is kept', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_SEQPACKET));
    send(a, Buffer.from('one'));
    send(a, Buffer.from('two!'));
    shutdown(b, SHUT_WR);
    const t = roundTrip([a, b]);
    const [na, nb] = [t.open(0), t.open(1)];
    expect([read(nb), read(nb)]).toEqual(['one', 'two!']);
    expect(recv(na, 10, MSG_DONTWAIT).length).toBe(0); // end of file: b shut its writing down
    expect(() => send(nb, Buffer.from('x'), MSG_NOSIGNAL)).toThrow(/EPIPE/);
  });

  it('keeps socket options', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_DGRAM));
    setIntOpt(a, SOL_SOCKET, SO_PASSCRED, 1);
    setIntOpt(b, SOL_SOCKET, SO_RCVBUF, 50000);
    const t = roundTrip([a, b]);
    expect(getIntOpt(t.open(0), SOL_SOCKET, SO_PASSCRED)).toBe(1);
    expect(getIntOpt(t.open(1), SOL_SOCKET, SO_RCVBUF)).toBe(getIntOpt(b, SOL_SOCKET, SO_RCVBUF));
  });

  it('refuses datagrams queued with their credentials (SO_PASSCRED), leaving them queued', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_DGRAM));
    setIntOpt(b, SOL_SOCKET, SO_PASSCRED, 1);
    send(a, Buffer.from('who am I'));
    expect(() => roundTrip([a, b])).toThrow(/1 packet\(s\) queued with their senders' credentials \(SO_PASSCRED\)/);
    expect(read(b)).toBe('who am I');
  });
});

describe('named unix sockets', () => {
  /** A socket bound to a relative name from a new directory, with our cwd back where it was. */
  const boundFromDir = (type: number, name: string): { dir: string; sk: number } => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-rel-'));
    dirs.push(dir);
    const [sk] = keep(socket(AF_UNIX, type));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      bind(sk!, sockaddrUn(Buffer.from(name)));
    } finally {
      process.chdir(cwd);
    }
    return { dir, sk: sk! };
  };

  it('a listener on a relative path is bound there again (stale socket file replaced) and accepts', () => {
    // Bound from dir, dumped from elsewhere: the socket itself tells where its file is.
    const { dir, sk: l } = boundFromDir(SOCK_STREAM, 'listen.sock');
    listen(l, 3);
    const t = roundTrip([l]);
    const usk = t.files.entries[0]!.usk!;
    expect(usk).toMatchObject({ state: 10, backlog: 3, name_dir: fs.realpathSync(dir) });
    expect(usk.deleted).toBeUndefined();
    const nl = t.open(0);
    expect(getsockname(nl).subarray(2).toString().replace(/\0+$/, '')).toBe('listen.sock');
    const [c] = keep(socket(AF_UNIX, SOCK_STREAM));
    connect(c, sockaddrUn(Buffer.from(path.join(dir, 'listen.sock'))));
  });

  it('a listener whose file was unlinked is bound again, connected to, then unlinked once all is open', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-del-'));
    dirs.push(dir);
    const name = path.join(dir, 'gone.sock');
    const [l, c] = keep(socket(AF_UNIX, SOCK_STREAM), socket(AF_UNIX, SOCK_STREAM));
    bind(l, sockaddrUn(Buffer.from(name)));
    listen(l, 2);
    connect(c, sockaddrUn(Buffer.from(name)));
    fs.unlinkSync(name);
    const t = roundTrip([l, c]);
    expect(t.files.entries[0]!.usk!.deleted).toBe(true);
    fs.closeSync(ours.splice(ours.indexOf(l), 1)[0]!);
    const [nl, nc] = [t.open(0), t.open(1)];
    expect(fs.existsSync(name)).toBe(true); // bound for the client to connect through
    for (const step of t.ctx.atEnd.splice(0)) step();
    expect(fs.existsSync(name)).toBe(false);
    expect(getsockname(nl).subarray(2).toString().replace(/\0+$/, '')).toBe(name);
    const acc = accept4(nl, 0);
    ours.push(acc);
    send(nc, Buffer.from('hi'));
    expect(read(acc)).toBe('hi');
  });

  it('a relative name whose file moved away is refused at dump, by name', () => {
    const { dir, sk: l } = boundFromDir(SOCK_DGRAM, 'here.sock');
    fs.renameSync(path.join(dir, 'here.sock'), path.join(dir, 'there.sock'));
    expect(() => roundTrip([l])).toThrow(/cannot tell where unix socket here.sock .* lives \(its file is .*there.sock now\)/);
  });

  it('a deleted socket whose name another file took is refused, that file left alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-del-'));
    dirs.push(dir);
    const name = path.join(dir, 'taken.sock');
    const [l] = keep(socket(AF_UNIX, SOCK_DGRAM));
    bind(l, sockaddrUn(Buffer.from(name)));
    fs.unlinkSync(name);
    const t = roundTrip([l]);
    fs.writeFileSync(name, 'someone else');
    expect(() => t.open(0)).toThrow(/its file was deleted before the dump and another file has that name now/);
    expect(fs.readFileSync(name, 'utf8')).toBe('someone else');
  });

  it('never-bound stream and dgram sockets come back unnamed', () => {
    const [st, dg] = keep(socket(AF_UNIX, SOCK_STREAM), socket(AF_UNIX, SOCK_DGRAM));
    const t = roundTrip([st, dg]);
    expect(getsockname(t.open(0)).length).toBe(2);
    expect(getsockname(t.open(1)).length).toBe(2);
  });

  it('datagrams queued from named peers come back in order, each from its own sender', () => {
    const base = `\0criu-ts-unix-peers-${process.pid}`;
    const [srv, p1, p2] = keep(socket(AF_UNIX, SOCK_DGRAM), socket(AF_UNIX, SOCK_DGRAM), socket(AF_UNIX, SOCK_DGRAM));
    bind(srv, sockaddrUn(Buffer.from(`${base}-srv`)));
    bind(p1, sockaddrUn(Buffer.from(`${base}-1`)));
    bind(p2, sockaddrUn(Buffer.from(`${base}-2`)));
    connect(p1, sockaddrUn(Buffer.from(`${base}-srv`)));
    connect(p2, sockaddrUn(Buffer.from(`${base}-srv`)));
    for (const [p, m] of [[p1, 'a'], [p2, 'b'], [p1, 'c']] as const) send(p, Buffer.from(m));
    const t = roundTrip([srv, p1, p2]);
    for (const fd of ours.splice(0, 3)) fs.closeSync(fd); // frees the names
    const nsrv = t.open(0);
    const got = [0, 1, 2].map(() => recvmsg(nsrv, 64, MSG_DONTWAIT)).map((r) => `${r.data}:${r.from.subarray(3).toString()}`);
    expect(got).toEqual([`a:${base.slice(1)}-1`, `b:${base.slice(1)}-2`, `c:${base.slice(1)}-1`]);
  });

  it('an abstract dgram socket receives at its name again', () => {
    const name = Buffer.from(`\0criu-ts-unix-test-${process.pid}`);
    const [s] = keep(socket(AF_UNIX, SOCK_DGRAM));
    bind(s, sockaddrUn(name));
    const t = roundTrip([s]);
    fs.closeSync(ours.splice(ours.indexOf(s), 1)[0]!); // frees the name, as the dumped task's death does
    const ns = t.open(0);
    const [c] = keep(socket(AF_UNIX, SOCK_DGRAM));
    connect(c, sockaddrUn(name));
    send(c, Buffer.from('hi'));
    expect(read(ns)).toBe('hi');
  });

  it('refuses a peer outside the dumped sockets unless allowed, and an unnamed one always', () => {
    const [a] = keep(...socketpair(AF_UNIX, SOCK_STREAM));
    expect(() => roundTrip([a])).toThrow(/outside the dumped tree.*--ext-unix-sk/);
    expect(() => roundTrip([a], true)).toThrow(/no absolute or abstract name/);
  });

  it('a bound datagram socket gets back what unconnected senders queued on it', () => {
    const name = Buffer.from(`\0criu-ts-unix-server-${process.pid}`);
    const [server, sender] = keep(socket(AF_UNIX, SOCK_DGRAM), socket(AF_UNIX, SOCK_DGRAM));
    bind(server, sockaddrUn(name));
    connect(sender, sockaddrUn(name));
    send(sender, Buffer.from('one'));
    send(sender, Buffer.from('two'));
    fs.closeSync(ours.splice(ours.indexOf(sender), 1)[0]!);
    const t = roundTrip([server]);
    fs.closeSync(ours.splice(ours.indexOf(server), 1)[0]!); // frees the name
    const ns = t.open(0);
    expect([read(ns), read(ns)]).toEqual(['one', 'two']);
  });

  it('with --ext-unix-sk, a socket connected to a named one outside is connected to that name again', () => {
    const name = Buffer.from(`\0criu-ts-unix-extern-${process.pid}`);
    const [server, client] = keep(socket(AF_UNIX, SOCK_DGRAM), socket(AF_UNIX, SOCK_DGRAM));
    bind(server, sockaddrUn(name));
    connect(client, sockaddrUn(name));
    const t = roundTrip([client], true);
    expect(t.files.entries.map((e) => e.usk!.uflags)).toEqual([0, 1]);
    send(t.open(0), Buffer.from('from the restored client'));
    expect(read(server)).toBe('from the restored client');
  });
});

describe('unix socket queues beyond a pair', () => {
  it('a file passed with SCM_RIGHTS is dumped as a file and passed again', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_DGRAM));
    const [r, w] = pipe2(0);
    ours.push(w);
    fs.writeSync(w, 'pipe data');
    sendFds(a, Buffer.from('fds'), [r]);
    fs.closeSync(r); // only the queue holds the read end now
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-'));
    dirs.push(dir);
    const { dump } = dumpOwn([], dir);
    const ids = [a, b].map((fd) => dump.dumpFd(process.pid, fd).id);
    finishInto(dump, dir);
    dump.killed(dir);
    const pipeEntry = dump.files.entries.find((e) => e.type === 'PIPE')!;
    expect(readImage(dir, 'sk-queues.img', 'sk-queues').entries).toEqual([{ id_for: ids[1], length: 3, scm: [{ type: 1, rights: [pipeEntry.id] }] }]);
    const pipesData = readImage(dir, 'pipes-data.img', 'pipes-data');
    const ctx = contextOf(dump, dir, { tasks: [], pipeData: new Map(pipesData.entries.map((e, i) => [e.pipe_id, { data: pipesData.payloads[i]! }])) });
    contexts.push(ctx);
    const nb = unixSocketFile.open(ctx, ids[1]!);
    const got = recvmsg(nb, 16, MSG_DONTWAIT);
    expect(got.data.toString()).toBe('fds');
    expect(got.fds).toHaveLength(1);
    ours.push(...got.fds);
    const buf = Buffer.alloc(16);
    expect(buf.subarray(0, fs.readSync(got.fds[0]!, buf)).toString()).toBe('pipe data');
  });

  it('a connection not accepted yet reconnects to its listener with what it sent', () => {
    const name = Buffer.from(`\0criu-ts-unix-inflight-${process.pid}`);
    const [l, c] = keep(socket(AF_UNIX, SOCK_STREAM), socket(AF_UNIX, SOCK_STREAM));
    bind(l, sockaddrUn(name));
    listen(l, 2);
    connect(c, sockaddrUn(name));
    send(c, Buffer.from('early'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-'));
    dirs.push(dir);
    const running = dumpOwn([l, c], dir, { leaveRunning: true });
    expect(running.dump.files.entries[1]!.usk!.peer).toBe(fs.fstatSync(l).ino);
    expect(() => finishInto(running.dump, dir)).toThrow(/not accepted yet/);
    const { dump } = dumpOwn([], dir);
    const ids = [l, c].map((fd) => dump.dumpFd(process.pid, fd).id);
    finishInto(dump, dir);
    for (const fd of ours.splice(0)) fs.closeSync(fd); // the tree dies; our copy of the listener lives on
    dump.killed(dir);
    const ctx = contextOf(dump, dir, { tasks: [] });
    contexts.push(ctx);
    const nl = unixSocketFile.open(ctx, ids[0]!);
    unixSocketFile.open(ctx, ids[1]!);
    const [acc] = keep(accept4(nl));
    expect(read(acc)).toBe('early');
  });
});

describe('CRIU 4.2 images (fixtures/criu-4.2/zoo)', () => {
  const dir = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'zoo', 'img');

  it.skipIf(!fs.existsSync(dir))('a socketpair with queued data dumped by CRIU comes back with its data', () => {
    const files = new Map(readImage(dir, 'files.img', 'files').entries.map((e) => [e.id, e]));
    const tree = { dir, files, tasks: [] } as unknown as TreeImages;
    const ctx = openContext(tree, { shellJob: false });
    contexts.push(ctx);
    for (const id of [10, 11]) unixSocketFile.check(tree, id, ctx.options);
    const [a, b] = [unixSocketFile.open(ctx, 10), unixSocketFile.open(ctx, 11)];
    expect(read(b)).toBe('queued');
    send(b, Buffer.from('back'));
    expect(read(a)).toBe('back');
  });

  it.skipIf(!fs.existsSync(dir))('our entries for the same socketpair have the fields CRIU wrote (but ns_id)', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_STREAM));
    send(a, Buffer.from('queued'));
    const t = roundTrip([a, b]);
    const criu = readImage(dir, 'files.img', 'files').entries.filter((e) => e.type === 'UNIXSK');
    const keys = (e: object) => Object.keys(e).filter((k) => k !== 'ns_id').sort();
    for (const [ours, theirs] of t.files.entries.map((e, i) => [e.usk!, criu[i]!.usk!] as const)) {
      expect(keys(ours)).toEqual(keys(theirs));
      expect(keys(ours.opts)).toEqual(keys(theirs.opts));
    }
    expect(readImage(t.dir, 'sk-queues.img', 'sk-queues').entries).toEqual([{ id_for: t.ids[1], length: 6 }]);
  });
});

describe('dirOfName', () => {
  it('strips a relative name from the path of its file, component by component', () => {
    expect(dirOfName('/a/b/sk', 'sk')).toBe('/a/b');
    expect(dirOfName('/a/b/sk', './b/sk')).toBe('/a');
    expect(dirOfName('/sk', 'sk')).toBe('/');
    expect(dirOfName('/a/b/sk', 'c/sk')).toBeUndefined();
    expect(dirOfName('/a/b/sk', '../b/sk')).toBeUndefined();
    expect(dirOfName('/a/xsk', 'sk')).toBeUndefined();
  });
});
