import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dump } from '../dump/index.js';
import { readImage, writeImage } from '../images/index.js';
import { restore } from '../restore/index.js';
import { readFilesIn } from '../sys/namespace.js';
import { counterAdvances, isAlive, startTarget, type Target } from '../testing/targets.js';
import { readIpcNamespaces } from './ipc.js';

const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-ipc-'));
const VAR = {
  sem_ctls: [32000, 1024000000, 500, 32000], msg_ctlmax: 9000, msg_ctlmnb: 16384, msg_ctlmni: 32000, auto_msgmni: 0,
  shm_ctlmax: 1n << 40n, shm_ctlall: 1n << 30n, shm_ctlmni: 4096, shm_rmid_forced: 0, mq_queues_max: 256, mq_msg_max: 10, mq_msgsize_max: 8192,
};

describe('IPC namespace images', () => {
  it('become the sysctl writes that recreate the namespace, without the fixed auto_msgmni', () => {
    const dir = newDir();
    writeImage(dir, 'ipcns-var-3.img', 'ipcns-var', [{ ...VAR, shm_next_id: 77 }]);
    const writes = new Map(readIpcNamespaces(dir, fs.readdirSync(dir)).get(3));
    expect(writes.get('/proc/sys/kernel/sem')).toBe('32000 1024000000 500 32000');
    expect(writes.get('/proc/sys/kernel/shmmax')).toBe(String(1n << 40n));
    expect(writes.get('/proc/sys/kernel/shm_next_id')).toBe('77');
    expect(writes.has('/proc/sys/kernel/msg_next_id')).toBe(false);
    expect(writes.has('/proc/sys/kernel/auto_msgmni')).toBe(false);
  });

  it('are refused with SysV objects in them or a sem line that is not four numbers', () => {
    const dir = newDir();
    writeImage(dir, 'ipcns-var-3.img', 'ipcns-var', [VAR]);
    writeImage(dir, 'ipcns-shm-3.img', 'ipcns-shm', [{ desc: { key: 1, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: 0o600, id: 0 }, size: 4096n }], [Buffer.alloc(4096)]);
    expect(() => readIpcNamespaces(dir, fs.readdirSync(dir))).toThrow(/ipcns-shm-3.img: offset 0: no SysV objects/);
    const other = newDir();
    writeImage(other, 'ipcns-var-3.img', 'ipcns-var', [{ ...VAR, sem_ctls: [1, 2] }]);
    expect(() => readIpcNamespaces(other, fs.readdirSync(other))).toThrow(/4 sem_ctls, found 2/);
  });
});

describe.runIf(process.getuid?.() === 0)('a program in an IPC namespace of its own', () => {
  const targets: Target[] = [];
  afterAll(() => targets.forEach((t) => t.kill()));
  const inIpcNamespace = (setup: string) => ['unshare', '--ipc', 'sh', '-c', `${setup} && exec "$@"`, 'sh'];
  const msgmax = (pid: number) => readFilesIn(pid, 'ipc', ['/proc/sys/kernel/msgmax'])[0]?.trim();

  it('is dumped with its limits (as CRIU names the images) and restored into a new namespace with them', async () => {
    const ours = { msgmax: msgmax(process.pid), ino: fs.statSync('/proc/self/ns/ipc').ino };
    const t = startTarget('counter', [], inIpcNamespace('echo 12345 > /proc/sys/kernel/msgmax'));
    targets.push(t);
    await counterAdvances(t.statusFile);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir });
    const id = readImage(dir, `ids-${t.pid}.img`, 'ids').entries[0]!.ipc_ns_id;
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('ipcns-')).sort()).toEqual(['msg', 'sem', 'shm', 'var'].map((k) => `ipcns-${k}-${id}.img`));
    expect(readImage(dir, `ipcns-var-${id}.img`, 'ipcns-var').entries[0]!.msg_ctlmax).toBe(12345);
    for (let i = 0; i < 250 && fs.existsSync(`/proc/${t.pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await restore({ imagesDir: dir, detached: true })).pid).toBe(t.pid);
    await counterAdvances(t.statusFile);
    expect(fs.statSync(`/proc/${t.pid}/ns/ipc`).ino).not.toBe(ours.ino);
    expect(msgmax(t.pid)).toBe('12345');
    expect(msgmax(process.pid)).toBe(ours.msgmax);
  });

  it.each([
    ['a SysV shared memory segment', 'ipcmk -M 4096 >/dev/null', /holds 1 SysV shared memory segments; dumping them is not supported yet/],
    ['a POSIX message queue', `python3 -c "import ctypes; assert ctypes.CDLL('libc.so.6').mq_open(b'/criu-ts-q', 0o102, 0o600, None) >= 0"`,
      /holds POSIX message queues \(criu-ts-q\); dumping them is not supported yet/],
  ])('refuses one holding %s, which runs on', async (_what, setup, message) => {
    const t = startTarget('counter', [], inIpcNamespace(setup));
    targets.push(t);
    const dir = newDir();
    await expect(dump({ pid: t.pid, imagesDir: dir })).rejects.toThrow(message);
    await counterAdvances(t.statusFile);
    expect(isAlive(t.pid)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'inventory.img'))).toBe(false);
  });
});
