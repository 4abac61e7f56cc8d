// dump() on a live counter process: the image set it writes, read back through the images
// API, must describe the process as /proc shows it; the process runs on unchanged with
// leaveRunning and is gone without it; what we cannot dump is refused, harmlessly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostArch } from '../arch/index.js';
import { readImage } from '../images/index.js';
import { parseMaps } from '../proc/maps.js';
import { parseStatus } from '../proc/status.js';
import { dump } from './index.js';
import { counterAdvances, isAlive, readCounter, startTarget, type Target } from '../testing/targets.js';

const targets: Target[] = [];
afterAll(() => targets.forEach((t) => t.kill()));
const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-img-'));
const SIGUSR1 = 10, SIGUSR2 = 12;

describe('dump of a running counter (leaveRunning)', () => {
  let t: Target;
  let dir: string;
  let before: ReturnType<typeof readCounter>;
  let mapsBefore: string;

  beforeAll(async () => {
    t = startTarget('counter', ['threads']);
    targets.push(t);
    await counterAdvances(t.statusFile);
    before = readCounter(t.statusFile);
    mapsBefore = fs.readFileSync(`/proc/${t.pid}/maps`, 'utf8');
    dir = newDir();
    const result = await dump({ pid: t.pid, imagesDir: dir, leaveRunning: true });
    expect(result.pids).toEqual([t.pid]);
  });

  it('leaves the process running with the same memory and no tracer', async () => {
    const after = await counterAdvances(t.statusFile);
    expect(after.checksum).toBe(before.checksum);
    expect(after.counter).toBeGreaterThan(before.counter);
    expect(parseStatus(fs.readFileSync(`/proc/${t.pid}/status`, 'utf8')).threads).toBe(2);
    expect(fs.readFileSync(`/proc/${t.pid}/status`, 'utf8')).toMatch(/TracerPid:\s+0\n/);
    expect(fs.readFileSync(`/proc/${t.pid}/maps`, 'utf8')).toBe(mapsBefore);
  });

  it('writes the task tree and one core per thread', () => {
    const [entry] = readImage(dir, 'pstree.img', 'pstree').entries;
    expect(entry).toMatchObject({ pid: t.pid, ppid: 0, pgid: t.pid, sid: t.pid });
    const threads = entry!.threads!;
    expect(threads).toHaveLength(2);
    expect(threads[0]).toBe(t.pid);
    const vmas = parseMaps(mapsBefore);
    for (const tid of threads) {
      const [core] = readImage(dir, `core-${tid}.img`, 'core').entries;
      expect(core!.mtype).toBe('X86_64');
      const gp = core!.thread_info!.gpregs;
      expect(gp.cs).toBe(0x33n);
      // The thread stopped somewhere in executable code, on a stack inside some mapping.
      expect(vmas.some((v) => v.exec && gp.ip >= v.start && gp.ip < v.end)).toBe(true);
      expect(vmas.some((v) => v.write && gp.sp >= v.start && gp.sp <= v.end)).toBe(true);
      expect(core!.thread_info!.clear_tid_addr).not.toBe(0n);
      expect(core!.thread_core!.rseq_entry!.rseq_abi_size).toBe(32);
      expect(core!.thread_core!.futex_rla_len).toBe(24);
      expect('tc' in core!).toBe(tid === t.pid);
    }
  });

  it('records the handlers, masks and timers the counter set up', () => {
    const tc = readImage(dir, `core-${t.pid}.img`, 'core').entries[0]!.tc!;
    expect(tc.sigactions).toHaveLength(62); // as CRIU: 1..64 without SIGKILL (9) and SIGSTOP (19)
    expect(tc.sigactions![SIGUSR1 - 2]!.sigaction).not.toBe(0n);
    expect(tc.sigactions![SIGUSR2 - 2]!.sigaction).toBe(0n);
    expect(BigInt(tc.blk_sigset) & (1n << BigInt(SIGUSR2 - 1))).not.toBe(0n);
    expect(tc.timers!.real.isec).toBe(1000n);
    expect(tc.rlimits!.rlimits).toHaveLength(16);
    expect(tc.comm).toBe('counter');
  });

  it('lists every VMA of /proc/PID/maps in mm, with the special ones marked', () => {
    const [mm] = readImage(dir, `mm-${t.pid}.img`, 'mm').entries;
    const vmas = parseMaps(mapsBefore);
    expect(mm!.vmas!.map((v) => [v.start, v.end])).toEqual(vmas.map((v) => [v.start, v.end]));
    const status = (name: string) => mm!.vmas![vmas.findIndex((v) => v.name === name)]!.status;
    expect(status('[heap]') & (1 << 5)).toBeTruthy(); // VMA_AREA_HEAP
    expect(status('[vdso]') & (1 << 3)).toBeTruthy(); // VMA_AREA_VDSO
    expect(status('[vvar]') & (1 << 12)).toBeTruthy(); // VMA_AREA_VVAR
    expect(status('[vsyscall]')).toBe((1 << 2) | (1 << 9)); // VMA_AREA_VSYSCALL | VMA_ANON_PRIVATE
    const files = readImage(dir, 'files.img', 'files').entries;
    const exe = files.find((f) => f.id === mm!.exe_file_id);
    expect(exe!.reg!.name).toBe(fs.readlinkSync(`/proc/${t.pid}/exe`));
  });

  it('writes every image file, pages included, readable by the owner only', () => {
    const files = fs.readdirSync(dir);
    expect(files.some((f) => f.startsWith('pages-'))).toBe(true);
    for (const f of files) expect([f, fs.statSync(path.join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
  });

  it('writes exactly the pages the pagemap describes, skipping zero pages', () => {
    const [head, ...entries] = readImage(dir, `pagemap-${t.pid}.img`, 'pagemap').entries;
    const pages = entries.reduce((n, e) => n + Number(e.nr_pages), 0);
    const size = fs.statSync(path.join(dir, `pages-${head!.pages_id}.img`)).size;
    expect(size).toBe(pages * 4096);
    const stats = readImage(dir, 'stats-dump', 'stats').entries[0]!.dump!;
    expect(Number(stats.pages_written)).toBe(pages);
    // The counter zeroed 1 MiB of its data block: those 256 pages are not written.
    expect(Number(stats.pages_scanned) - pages).toBeGreaterThanOrEqual(256);
  });

  it("gives the inventory the dumper's own ids, which CRIU compares the root task's with", () => {
    const [inventory] = readImage(dir, 'inventory.img', 'inventory').entries;
    const [ids] = readImage(dir, `ids-${t.pid}.img`, 'ids').entries;
    const ours = inventory!.root_ids!;
    for (const k of ['vm_id', 'files_id', 'fs_id', 'sighand_id'] as const) expect(ours[k]).not.toBe(ids![k]); // nothing shared with us
    for (const k of ['pid_ns_id', 'net_ns_id', 'mnt_ns_id', 'user_ns_id'] as const) expect(ours[k]).toBe(ids![k]); // the same namespaces
    expect(inventory!.root_cg_set).toBe(1);
  });

  it("keeps of the auxv what CRIU keeps: no closing AT_NULL, at most the arch's words", () => {
    const auxv = readImage(dir, `mm-${t.pid}.img`, 'mm').entries[0]!.mm_saved_auxv!;
    expect(auxv.length).toBeLessThanOrEqual(hostArch().savedAuxvWords);
    expect(auxv[auxv.length - 2]).not.toBe(0n);
    expect(auxv.filter((_, i) => i % 2 === 0)).toContain(6n); // AT_PAGESZ
  });

  it('saves the pipe with its unread bytes and the fd table', () => {
    const [ids] = readImage(dir, `ids-${t.pid}.img`, 'ids').entries;
    const fdinfo = readImage(dir, `fdinfo-${ids!.files_id}.img`, 'fdinfo').entries;
    const files = readImage(dir, 'files.img', 'files').entries;
    const fileOf = (fd: number) => files.find((f) => f.id === fdinfo.find((e) => e.fd === fd)!.id)!;
    expect(fileOf(0).reg!.name).toBe('/dev/null');
    const readEnd = fileOf(3);
    expect(readEnd.type).toBe('PIPE');
    const data = readImage(dir, 'pipes-data.img', 'pipes-data');
    const i = data.entries.findIndex((e) => e.pipe_id === readEnd.pipe!.pipe_id);
    expect(data.payloads[i]!.toString()).toBe('in-flight');
    const [fsEntry] = readImage(dir, `fs-${t.pid}.img`, 'fs').entries;
    expect(files.find((f) => f.id === fsEntry!.cwd_id)!.reg!.name).toBe(t.dir);
  });
});

describe('dump without leaveRunning', () => {
  it('kills the tree once the images are written', async () => {
    const t = startTarget('counter');
    targets.push(t);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir });
    expect(isAlive(t.pid)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'inventory.img'))).toBe(true);
  });
});

describe('shared anonymous memory', () => {
  it('is saved once, by object offset, in pagemap-shmem', async () => {
    const t = startTarget('counter', ['shared']);
    targets.push(t);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir, leaveRunning: true });
    const vma = parseMaps(fs.readFileSync(`/proc/${t.pid}/maps`, 'utf8')).find((v) => v.shared && v.name === '/dev/zero (deleted)')!;
    const entry = readImage(dir, `mm-${t.pid}.img`, 'mm').entries[0]!.vmas!.find((v) => v.start === vma.start)!;
    expect(entry.status).toBe((1 << 0) | (1 << 8)); // VMA_AREA_REGULAR | VMA_ANON_SHARED
    expect(entry.shmid).toBe(BigInt(vma.inode));
    const [head, ...pages] = readImage(dir, `pagemap-shmem-${vma.inode}.img`, 'pagemap-shmem').entries;
    expect(pages.map((p) => [p.vaddr, p.nr_pages])).toEqual([[0n, 1n], [8192n, 1n]]);
    const data = fs.readFileSync(path.join(dir, `pages-${head!.pages_id}.img`));
    expect(data.subarray(0, 9).toString()).toBe('page zero');
    expect(data.subarray(4096, 4104).toString()).toBe('page two');
    expect(readImage(dir, 'stats-dump', 'stats').entries[0]!.dump!.shpages_written).toBe(2n);
  });
});

describe('memfd', () => {
  it('is saved once as an inode with its pages, named by the fd and the mapping', async () => {
    const t = startTarget('counter', ['memfd']);
    targets.push(t);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir, leaveRunning: true });
    const [inode] = readImage(dir, 'memfd.img', 'memfd').entries;
    expect(inode).toMatchObject({ name: 'criu-ts-memfd', size: 2n * 4096n + 100n, inode_id: 1n });
    const files = readImage(dir, 'files.img', 'files').entries.filter((f) => f.type === 'MEMFD');
    expect(files.length).toBe(2); // the fd (O_RDWR) and the mapping
    files.forEach((f) => expect(f.memfd!.inode_id).toBe(1));
    const vma = readImage(dir, `mm-${t.pid}.img`, 'mm').entries[0]!.vmas!.find((v) => v.status & (1 << 14))!;
    expect(vma.status).toBe((1 << 0) | (1 << 7) | (1 << 14)); // REGULAR | FILE_SHARED | AREA_MEMFD
    expect(files.map((f) => BigInt(f.id))).toContain(vma.shmid);
    const [head, ...pages] = readImage(dir, `pagemap-shmem-${inode!.shmid}.img`, 'pagemap-shmem').entries;
    expect(pages.map((p) => [p.vaddr, p.nr_pages])).toEqual([[0n, 1n], [8192n, 1n]]);
    const data = fs.readFileSync(path.join(dir, `pages-${head!.pages_id}.img`));
    expect(data.subarray(4096, 4096 + 14).toString()).toBe('memfd page two');
  });
});

describe('seccomp', () => {
  it('saves the filter chain and names it in the thread core', async () => {
    const t = startTarget('counter', ['seccomp']);
    targets.push(t);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir, leaveRunning: true });
    const [entry] = readImage(dir, 'seccomp.img', 'seccomp').entries;
    const allow = Buffer.from([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]); // BPF_RET|BPF_K, SECCOMP_RET_ALLOW
    expect(entry!.seccomp_filters).toEqual([{ filter: allow, flags: 0 }]);
    const core = readImage(dir, `core-${t.pid}.img`, 'core').entries[0]!.thread_core;
    expect(core).toMatchObject({ seccomp_mode: 'filter', seccomp_filter: 0 });
    await counterAdvances(t.statusFile); // it runs on, with the filter (our syscalls bypassed it)
  });
});

describe('eventfd, signalfd, timerfd', () => {
  it('are dumped with their state from fdinfo', async () => {
    const t = startTarget('counter', ['anonfds']);
    targets.push(t);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir, leaveRunning: true });
    const files = readImage(dir, 'files.img', 'files').entries;
    const byType = (type: string) => files.find((f) => f.type === type)!;
    expect(byType('EVENTFD').efd!.counter).toBe(5n);
    expect(byType('SIGNALFD').sgfd!.sigmask).toBe(1n << BigInt(SIGUSR2 - 1));
    const tfd = byType('TIMERFD').tfd!;
    expect(tfd).toMatchObject({ clockid: 1, isec: 2n, insec: 0n, ticks: 0n });
    expect(tfd.vsec === 99n || tfd.vsec === 100n).toBe(true);
  });
});

describe('a job on a terminal', () => {
  // script(1) runs a shell on a fresh pseudo-terminal, as an interactive shell would.
  let pid: number;
  let scriptProc: ReturnType<typeof spawn>;
  beforeAll(async () => {
    const pidFile = path.join(newDir(), 'pid');
    scriptProc = spawn('script', ['-qfc', `sh -c 'echo $$ > ${pidFile}; exec sleep 1000'`, '/dev/null'], { stdio: 'ignore', detached: true });
    for (let i = 0; i < 200 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    pid = Number(fs.readFileSync(pidFile, 'utf8'));
  });
  afterAll(() => {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    scriptProc.kill('SIGKILL');
  });

  it('is refused without shellJob', async () => {
    await expect(dump({ pid, imagesDir: newDir(), leaveRunning: true })).rejects.toThrow(/fd 0 of \d+ \(\/dev\/pts\/\d+\): a terminal whose pseudo-terminal master is outside the tree \(a shell's: dump it with --shell-job; another's: name it with --external tty\[RDEV:DEV\]\)/);
  });

  it('is dumped with shellJob as CRIU does: TTY files, tty-info, a REG for the path', async () => {
    const dir = newDir();
    await dump({ pid, imagesDir: dir, leaveRunning: true, shellJob: true });
    const link = fs.readlinkSync(`/proc/${pid}/fd/0`);
    const [ids] = readImage(dir, `ids-${pid}.img`, 'ids').entries;
    const fdinfo = readImage(dir, `fdinfo-${ids!.files_id}.img`, 'fdinfo').entries;
    expect(fdinfo.filter((e) => e.fd <= 2).map((e) => e.type)).toEqual(['TTY', 'TTY', 'TTY']);
    const files = readImage(dir, 'files.img', 'files').entries;
    const ttyFile = files.find((f) => f.id === fdinfo[0]!.id)!.tty!;
    expect(files.find((f) => f.id === ttyFile.regf_id)!.reg!.name).toBe(link);
    const [info] = readImage(dir, 'tty-info.img', 'tty-info').entries;
    // script(1) may run the command under $SHELL, so the session leader is not always `pid` itself.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [sid, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(3, 6).map(Number); // session, tty_nr, tpgid
    expect(info).toMatchObject({ id: ttyFile.tty_info_id, type: 'PTY', sid, pgrp, pty: { index: Number(link.split('/').pop()) } });
    expect(info!.termios!.c_cc).toHaveLength(19);
  });
});

describe('refusals', () => {
  it('names the fd it cannot dump and leaves the process running', async () => {
    const t = startTarget('counter', ['uring']);
    targets.push(t);
    const before = await counterAdvances(t.statusFile);
    await expect(dump({ pid: t.pid, imagesDir: newDir() })).rejects.toThrow(/fd \d+ of \d+ \(anon_inode:\[io_uring\]\): an io_uring instance is not supported yet/);
    const after = await counterAdvances(t.statusFile);
    expect(after.checksum).toBe(before.checksum);
  });

  it('refuses a task in another mount namespace, leaving it running', async () => {
    const t = startTarget('counter', [], ['unshare', '-m', '--propagation', 'private']);
    targets.push(t);
    await expect(dump({ pid: t.pid, imagesDir: newDir() })).rejects.toThrow(/another mnt namespace than ours/);
    await counterAdvances(t.statusFile);
  });

  it('rejects a missing images directory and a missing process', async () => {
    await expect(dump({ pid: 1, imagesDir: '/nonexistent/criu-ts' })).rejects.toThrow(/cannot create images directory \/nonexistent\/criu-ts: ENOENT/);
    await expect(dump({ pid: 4194304 + 1, imagesDir: newDir() })).rejects.toThrow(/no such process/);
  });
});
