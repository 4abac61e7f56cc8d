// The parasite: a blob (arch/common/parasite.c) run inside a stopped thread that answers
// the dumper's questions over a unix socket. Infection, with injected syscalls: map an
// area in the target, copy the blob, its arguments and a sigframe holding the thread's
// own state into it, listen, and start the thread at the blob's entry on the area's
// stack. If we die while it runs, the socket closes and the parasite rt_sigreturns
// through that frame: the task continues exactly as it was. Cure: stop the thread
// wherever it is, unmap the area and park it with its original registers.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ArchDescriptor, RawRegs } from '../arch/descriptor.js';
import { readMemory, writeMemory } from '../sys/memory.js';
import { readI32, readU64, writeU64 } from '../sys/host-order.js';
import { packageRoot } from '../sys/native.js';
import { PAGE_SIZE } from '../sys/page-size.js';
import * as ptrace from '../sys/ptrace.js';
import { ALL_SIGNALS } from '../sys/signal.js';
import { sockaddrUn } from '../sys/socket.js';
import { acceptSeqpacket, listenSeqpacket, pollIn, recvPacket, sendPacket } from '../sys/unix-seqpacket.js';
import { constantOf, mmapArgsInMemory, parasiteLayout, readStruct, structOf, writeStruct, type StructReader } from '../blob/struct-layout.js';
import { RemoteThread } from './remote.js';

const STACK_SIZE = 64 * 1024;
const PROT_RWX = 7;
const MAP_PRIVATE_ANON = 0x22;
const REPLY_TIMEOUT_MS = 10_000;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

let blobCache: Buffer | undefined;
function parasiteBlob(arch: ArchDescriptor): Buffer {
  if (!blobCache) {
    const file = process.env['CRIU_TS_PARASITE'] ?? path.join(packageRoot(), 'arch', arch.name, 'build', 'parasite.bin');
    if (!fs.existsSync(file)) throw new Error(`criu-ts: parasite blob missing at ${file}; run "npm run build:blobs"`);
    blobCache = fs.readFileSync(file);
  }
  return blobCache;
}

export interface TaskReply {
  sigactions: { handler: bigint; flags: bigint; restorer: bigint; mask: bigint }[];
  itimers: { isec: bigint; iusec: bigint; vsec: bigint; vusec: bigint }[];
  brk: bigint;
  secbits: number;
  childSubreaper: boolean;
  umask: number;
  dumpable: number;
  /** PR_GET_THP_DISABLE: 0, 1, or 1 with flag bits above it. */
  thpDisable: number;
}

export interface ThreadReply {
  clearTidAddr: bigint;
  sas: { ss_sp: bigint; ss_size: bigint; ss_flags: number };
  pdeathSig: number;
}

export interface TimerReply {
  isec: bigint;
  insec: bigint;
  vsec: bigint;
  vnsec: bigint;
  overrun: number;
}

/** mmap run in remote's thread; the one-argument mmap of some arches reads its six words from memory. */
function remoteMmap(arch: ArchDescriptor, pid: number, remote: RemoteThread, args: bigint[]): bigint {
  if (!mmapArgsInMemory(arch.name)) return remote.call('mmap', args);
  const block = Buffer.alloc(8 * args.length);
  args.forEach((a, i) => writeU64(block, BigInt.asUintN(64, a), 8 * i));
  writeMemory(pid, Number(remote.scratch), block);
  return remote.call('mmap', [remote.scratch]);
}

/** A parasite running in one thread; always cure() it. */
export class Parasite {
  private sock = -1;
  private running = false;

  private constructor(private readonly remote: RemoteThread, private readonly area: bigint, private readonly size: number) {}

  /** Starts the parasite in remote's thread (stopped, with its original registers orig). */
  static infect(arch: ArchDescriptor, pid: number, remote: RemoteThread, orig: RawRegs): Parasite {
    const regs = arch.regs!;
    const restorer = arch.restorer;
    if (!restorer) throw new Error(`criu-ts: no sigframe support for ${arch.name}`);
    const blob = parasiteBlob(arch);
    const argsOff = roundUp(blob.length, PAGE_SIZE);
    const frameOff = argsOff + PAGE_SIZE;
    const stackOff = frameOff + roundUp(restorer.sigframeSize(orig.fp.length), PAGE_SIZE);
    const size = stackOff + STACK_SIZE;

    // The thread's alternate stack goes into the frame (sigreturn restores it from there).
    remote.call('sigaltstack', [0n, remote.scratch]);
    const ss = readMemory(pid, Number(remote.scratch), 24);
    const altstack = { sp: readU64(ss, 0), flags: readI32(ss, 8), size: readU64(ss, 16) };

    const area = remoteMmap(arch, pid, remote, [0n, BigInt(size), BigInt(PROT_RWX), BigInt(MAP_PRIVATE_ANON), -1n, 0n]);
    const parasite = new Parasite(remote, area, size);
    let listenFd = -1;
    try {
      const frame = restorer.buildSigframe(regs.checkpointRegs(orig), { sigmask: remote.origMask, altstack }, area + BigInt(frameOff));
      const name = `criu-ts-parasite-${process.pid}-${remote.tid}-${randomBytes(4).toString('hex')}`;
      listenFd = listenSeqpacket(name);
      const addr = sockaddrUn(Buffer.from(`\0${name}`, 'latin1')); // abstract: a leading NUL
      const args = Buffer.alloc(structOf(parasiteLayout(), 'par_args').size);
      writeStruct(parasiteLayout(), 'par_args', { frame_sp: frame.sp, addr_len: addr.length, addr }, args);
      writeMemory(pid, Number(area), blob);
      writeMemory(pid, Number(area) + argsOff, args);
      writeMemory(pid, Number(area) + frameOff, frame.bytes);

      // Signals stay blocked while the parasite runs; the frame holds the real mask.
      ptrace.setSigmask(remote.tid, ALL_SIGNALS);
      const start = regs.blobCallRegs(orig, area, area + BigInt(size), area + BigInt(argsOff));
      ptrace.setRegset(remote.tid, ptrace.NT_PRSTATUS, start.gp);
      ptrace.cont(remote.tid);
      parasite.running = true;
      parasite.waitReadable(listenFd, 'connect');
      parasite.sock = acceptSeqpacket(listenFd);
      return parasite;
    } catch (e) {
      parasite.cure();
      throw e;
    } finally {
      if (listenFd >= 0) fs.closeSync(listenFd);
    }
  }

  /** Waits for fd to become readable while checking that the thread did not stop instead. */
  private waitReadable(fd: number, what: string): void {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    while (!pollIn(fd, 20)) {
      const st = ptrace.wait(this.remote.tid, ptrace.WNOHANG);
      if (st.kind !== 'none') {
        this.running = st.kind !== 'stopped';
        throw new Error(`criu-ts: parasite in ${this.remote.tid} stopped before ${what}: ${JSON.stringify(st)}`);
      }
      if (Date.now() > deadline) throw new Error(`criu-ts: parasite in ${this.remote.tid} did not ${what} within ${REPLY_TIMEOUT_MS} ms`);
    }
  }

  /** Sends command `cmd` (a PAR_CMD_ name) and reads its reply as struct `reply`. */
  private request(cmd: string, arg: number, reply: string): StructReader {
    const layout = parasiteLayout();
    const req = Buffer.alloc(structOf(layout, 'par_req').size);
    writeStruct(layout, 'par_req', { cmd: constantOf(layout, cmd), arg }, req);
    sendPacket(this.sock, req);
    this.waitReadable(this.sock, 'reply');
    const size = structOf(layout, reply).size;
    const head = structOf(layout, 'par_reply').size;
    const packet = recvPacket(this.sock, Math.max(size, head));
    if (packet.length < head) throw new Error(`criu-ts: parasite in ${this.remote.tid} hung up`);
    const ret = readStruct(layout, 'par_reply', packet).s64('ret');
    if (ret < 0n) throw new Error(`criu-ts: parasite command ${cmd} in ${this.remote.tid} failed: errno ${-ret}`);
    if (packet.length !== size) throw new Error(`criu-ts: parasite reply of ${packet.length} bytes, expected ${size} (struct ${reply})`);
    return readStruct(layout, reply, packet);
  }

  /** Process-wide state: sigactions, itimers, brk, securebits, subreaper, umask, dumpable, THP-disable. */
  task(): TaskReply {
    const r = this.request('PAR_CMD_TASK', 0, 'par_task_reply');
    return {
      sigactions: r.structs('sigactions').map((s) => ({ handler: s.u64('handler'), flags: s.u64('flags'), restorer: s.u64('restorer'), mask: s.u64('mask') })),
      itimers: r.structs('itimers').map((t) => ({ isec: t.u64('isec'), iusec: t.u64('iusec'), vsec: t.u64('vsec'), vusec: t.u64('vusec') })),
      brk: r.u64('brk'),
      secbits: r.s32('secbits'),
      childSubreaper: r.s32('child_subreaper') !== 0,
      umask: r.s32('umask'),
      dumpable: r.s32('dumpable'),
      thpDisable: r.s32('thp_disable'),
    };
  }

  /** State of the thread the parasite runs in. */
  thread(): ThreadReply {
    const r = this.request('PAR_CMD_THREAD', 0, 'par_thread_reply');
    return {
      clearTidAddr: r.u64('clear_tid_addr'),
      sas: { ss_sp: r.u64('ss_sp'), ss_flags: Number(r.s64('ss_flags')), ss_size: r.u64('ss_size') },
      pdeathSig: Number(r.s64('pdeath_sig')),
    };
  }

  /** Current value and overrun of POSIX timer id. */
  timer(id: number): TimerReply {
    const r = this.request('PAR_CMD_TIMER', id, 'par_timer_reply');
    return { isec: r.u64('isec'), insec: r.u64('insec'), vsec: r.u64('vsec'), vnsec: r.u64('vnsec'), overrun: Number(r.s64('overrun')) };
  }

  /**
   * Ends the parasite: asks it to finish (or, on a failure path, simply stops the thread
   * wherever it is), unmaps the area and parks the thread with its original registers.
   */
  cure(): void {
    const tid = this.remote.tid;
    try {
      if (this.running && this.sock >= 0) {
        try {
          this.request('PAR_CMD_FINI', 0, 'par_reply');
          const st = ptrace.wait(tid);
          if (st.kind === 'stopped' && st.signal === ptrace.SIGTRAP) this.running = false;
        } catch {
          // Fall through to stopping it by force.
        }
      }
      if (this.running) {
        ptrace.interrupt(tid);
        const st = ptrace.wait(tid);
        if (st.kind !== 'stopped') throw new Error(`criu-ts: thread ${tid} ended during cure: ${JSON.stringify(st)}`);
        this.running = false;
      }
      this.remote.call('munmap', [this.area, this.size]);
    } finally {
      if (this.sock >= 0) fs.closeSync(this.sock);
      this.sock = -1;
      this.remote.park();
    }
  }
}
