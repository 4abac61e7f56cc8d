// Unix sockets of this very process dumped by the UNIXSK dumper (queues into a real
// sk-queues.img), restored by the kind, and checked by using the new sockets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTable } from '../../dump/file-table.js';
import type { FilesDumpState } from '../../dump/files.js';
import { finishUnixSockets, newUnixSocketsState, unixSocket } from '../../dump/unix-socket.js';
import {
  AF_UNIX, bind, connect, getIntOpt, getsockname, listen, MSG_DONTWAIT, recv, send, setIntOpt, shutdown, SHUT_WR, SO_PASSCRED,
  SO_RCVBUF, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, sockaddrUn, socket, socketpair, SOL_SOCKET,
} from '../../sys/socket.js';
import type { TreeImages } from '../task-images.js';
import type { OpenContext } from './kinds.js';
import { ownFd } from './own-fd.test-support.js';
import { unixSocketFile } from './unix-socket.js';

const ours: number[] = [];
const contexts: OpenContext[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of contexts.splice(0)) for (const fd of c.opened.splice(0)) fs.closeSync(fd);
  for (const fd of ours.splice(0)) fs.closeSync(fd);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const keep = <T extends number[]>(...fds: T): T => (ours.push(...fds), fds);

/** Dumps fds (as one task holding them) and returns an opener of the restored sockets by the same index. */
function roundTrip(fds: number[], allowExternal = false): { ids: number[]; open: (i: number) => number; files: FileTable } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-'));
  dirs.push(dir);
  const files = new FileTable();
  const state = { unixSockets: newUnixSocketsState() } as unknown as FilesDumpState;
  const ids = fds.map((fd) => unixSocket.dump(ownFd(fd), files, state));
  finishUnixSockets(dir, state, allowExternal, true);
  const tree = { dir, files: new Map(files.entries.map((e) => [e['id'], e])), tasks: [] } as unknown as TreeImages;
  for (const id of ids) unixSocketFile.check(tree, id);
  const ctx: OpenContext = { tree, opened: [], state: new Map() };
  contexts.push(ctx);
  return { ids, files, open: (i) => unixSocketFile.open(ctx, ids[i]!) };
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
    expect(() => send(nb, Buffer.from('x'), 0x4000)).toThrow(/EPIPE/);
  });

  it('keeps socket options', () => {
    const [a, b] = keep(...socketpair(AF_UNIX, SOCK_DGRAM));
    setIntOpt(a, SOL_SOCKET, SO_PASSCRED, 1);
    setIntOpt(b, SOL_SOCKET, SO_RCVBUF, 50000);
    const t = roundTrip([a, b]);
    expect(getIntOpt(t.open(0), SOL_SOCKET, SO_PASSCRED)).toBe(1);
    expect(getIntOpt(t.open(1), SOL_SOCKET, SO_RCVBUF)).toBe(getIntOpt(b, SOL_SOCKET, SO_RCVBUF));
  });
});

describe('named unix sockets', () => {
  it('a listener on a relative path is bound there again (stale socket file replaced) and accepts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-unix-path-'));
    dirs.push(dir);
    const [l] = keep(socket(AF_UNIX, SOCK_STREAM));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      bind(l, sockaddrUn(Buffer.from('listen.sock')));
    } finally {
      process.chdir(cwd);
    }
    listen(l, 3);
    const t = roundTrip([l]);
    const usk = t.files.entries[0]!['usk'];
    expect(usk).toMatchObject({ state: 10, backlog: 3, name_dir: cwd });
    // The restore binds from name_dir: make that our test dir by rewriting the entry.
    usk['name_dir'] = dir;
    const nl = t.open(0);
    expect(getsockname(nl).subarray(2).toString().replace(/\0+$/, '')).toBe('listen.sock');
    const [c] = keep(socket(AF_UNIX, SOCK_STREAM));
    connect(c, sockaddrUn(Buffer.from(path.join(dir, 'listen.sock'))));
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

  it('refuses a peer outside the dumped sockets unless allowed', () => {
    const [a] = keep(...socketpair(AF_UNIX, SOCK_STREAM));
    expect(() => roundTrip([a])).toThrow(/outside the dumped tree.*--ext-unix-sk/);
  });
});
