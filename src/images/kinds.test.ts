// Round trips of constructed entries for every kind in the table, file-name kinds, and
// the register sets of the four arches criu-ts targets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeToJson, encodeFromJson } from './crit.js';
import { decodeFramed, encodeFramed } from './framing.js';
import { KINDS, kindOfFile, type Entry } from './kinds.js';
import { msgQueue, sampleImage } from '../testing/images.js';

describe.each(Object.keys(KINDS))('kind %s', (kind) => {
  it.each(['LE', 'BE'] as const)('round-trips full entries in %s', (order) => {
    const { entries, payloads } = sampleImage(kind, order);
    const buf = encodeFramed(kind, entries, payloads, order);
    const back = decodeFramed(buf, `${kind}-7.img`, order);
    expect(back.entries).toEqual(entries);
    expect(back.payloads).toEqual(payloads);
    expect(encodeFramed(kind, back.entries, back.payloads, order).equals(buf)).toBe(true);
  });
});

describe('crit JSON of constructed entries', () => {
  it.each(Object.keys(KINDS))('%s: JSON (pretty and plain) encodes back to the same bytes', (kind) => {
    const { entries, payloads } = sampleImage(kind, 'LE', 2);
    const buf = encodeFramed(kind, entries, payloads, 'LE');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-img-'));
    const file = path.join(dir, `${kind}-3.img`);
    fs.writeFileSync(file, buf);
    expect(encodeFromJson(decodeToJson(file, true)).equals(buf)).toBe(true);
    expect(encodeFromJson(decodeToJson(file, false)).equals(buf)).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('payloads that frame entries of their own', () => {
  const desc = { key: 1, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: 0o600, id: 7 };

  it('reads a message queue up to its last message and reports one cut short', () => {
    const entries = [{ desc, qbytes: 100, qnum: 2 }, { desc: { ...desc, id: 8 }, qbytes: 100, qnum: 1 }];
    const payloads = [msgQueue(['a', '0123456789'], 'LE'), msgQueue(['z'], 'LE')];
    const buf = encodeFramed('ipcns-msg', entries, payloads, 'LE');
    expect(decodeFramed(buf, 'ipcns-msg-1.img', 'LE').payloads).toEqual(payloads);
    expect(() => decodeFramed(buf.subarray(0, buf.length - 3), 'ipcns-msg-1.img', 'LE')).toThrow(/truncated payload of entry 1/);
    expect(() => encodeFramed('ipcns-msg', entries, [payloads[0]!.subarray(1), payloads[1]], 'LE')).toThrow(/payload is/);
    // a message header that is not an ipc_msg
    const garbled = Buffer.from(buf);
    const header = buf.indexOf(payloads[0]!) + 4;
    garbled.fill(0xff, header, header + 4);
    expect(() => decodeFramed(garbled, 'ipcns-msg-1.img', 'LE')).toThrow(/^ipcns-msg-1\.img: offset \d+: expected a valid payload of entry 0 \(.+\)$/);
  });

  it('gives a ghost file without chunks the rest of the file', () => {
    const head = { uid: 0, gid: 0, mode: 0o100644, size: 11n };
    const buf = encodeFramed('ghost-file', [head], [Buffer.from('ghost bytes')], 'LE');
    expect(decodeFramed(buf, 'ghost-file-1f.img', 'LE').payloads).toEqual([Buffer.from('ghost bytes')]);
  });

  it('has no shm payload when the contents went to pagemaps', () => {
    const buf = encodeFramed('ipcns-shm', [{ desc, size: 4096n, in_pagemaps: true }], undefined, 'LE');
    expect(decodeFramed(buf, 'ipcns-shm-1.img', 'LE').payloads).toEqual([undefined]);
  });
});

describe('kindOfFile', () => {
  it.each([
    ['core-42.img', 'core'],
    ['pages-1.img', 'pages'],
    ['pagemap-20506.img', 'pagemap'],
    ['pagemap-shmem-12119.img', 'pagemap-shmem'],
    ['pipes-data.img', 'pipes-data'],
    ['tcp-stream-1a2b.img', 'tcp-stream'],
    ['inventory.img', 'inventory'],
    ['stats-dump', 'stats'],
    ['stats-restore', 'stats'],
    ['/some/dir/fdinfo-3.img', 'fdinfo'],
    ['memfd.img', 'memfd'],
    ['mountpoints-12.img', 'mountpoints'],
    ['ipcns-msg-9.img', 'ipcns-msg'],
  ])('%s is %s', (name, kind) => {
    expect(kindOfFile(name)).toBe(kind);
  });
});

const fpregsX86 = {
  cwd: 0x37f, swd: 0, twd: 0, fop: 0, rip: 0n, rdp: 0n, mxcsr: 0x1f80, mxcsr_mask: 0x2ffff,
  st_space: Array(32).fill(0), xmm_space: Array.from({ length: 64 }, (_, i) => i * 0x01010101),
  xsave: { xstate_bv: 0x207n, ymmh_space: Array(64).fill(7), pkru: [0x55555554, 0], cet: { cet: 0n, ssp: 0x7ffc0000n } },
};

const threadCore = { futex_rla: 0x7f0000001000n, futex_rla_len: 24, sched_nice: -5, blk_sigset: 0x800n };

describe('register sets of the four arches survive a round trip', () => {
  const cases: [string, Entry][] = [
    ['X86_64', {
      mtype: 'X86_64',
      thread_info: {
        clear_tid_addr: 0x7f1b31dc2a10n,
        gpregs: {
          r15: 1n, r14: 2n, r13: 3n, r12: 4n, bp: 5n, bx: 6n, r11: 0x293n, r10: 8n, r9: 9n, r8: 10n, ax: 0xffffffffffffffdan,
          cx: 12n, dx: 13n, si: 14n, di: 15n, orig_ax: 0x22n, ip: 0x7f1b31e98df0n, cs: 0x33n, flags: 0x293n,
          sp: 0x7ffdea3e2680n, ss: 0x2bn, fs_base: 0x7f1b31dc2740n, gs_base: 0n, ds: 0n, es: 0n, fs: 0n, gs: 0n, mode: 'NATIVE',
        },
        fpregs: fpregsX86,
        tls: [{ entry_number: 12, base_addr: 0, limit: 0, seg_32bit: false, contents_h: false, contents_l: false, read_exec_only: true, limit_in_pages: false, seg_not_present: true, usable: false }],
      },
      thread_core: threadCore,
    }],
    ['AARCH64', {
      mtype: 'AARCH64',
      ti_aarch64: {
        clear_tid_addr: 0xffff8000a000n, tls: 0xffff8000b000n,
        gpregs: { regs: Array.from({ length: 31 }, (_, i) => BigInt(i) << 40n), sp: 0xfffffffff000n, pc: 0xaaaa00001234n, pstate: 0x60000000n },
        fpsimd: { vregs: Array.from({ length: 64 }, (_, i) => 2n ** 64n - 1n - BigInt(i)), fpsr: 0x10, fpcr: 0x3000000 },
        pac_keys: { pac_generic_keys: { apgakey_lo: 0x1234n, apgakey_hi: 0x5678n } },
      },
      thread_core: threadCore,
    }],
    ['S390', {
      mtype: 'S390',
      ti_s390: {
        clear_tid_addr: 0x3ff8000a000n,
        gpregs: { psw_mask: 0x0705200180000000n, psw_addr: 0x2aa00001234n, gprs: Array.from({ length: 16 }, (_, i) => BigInt(i)), acrs: Array(16).fill(0), orig_gpr2: 3n, system_call: 29 },
        fpregs: { fpc: 0, fprs: Array(16).fill(0n) },
        vxrs_low: { regs: Array(16).fill(1n) },
        vxrs_high: { regs: Array(32).fill(2n) },
      },
      thread_core: threadCore,
    }],
    ['PPC64', {
      mtype: 'PPC64',
      ti_ppc64: {
        clear_tid_addr: 0x7fff9000a000n,
        gpregs: { gpr: Array.from({ length: 32 }, (_, i) => BigInt(i)), nip: 0x10001234n, msr: 0x800000000280f033n, orig_gpr3: 0n, ctr: 0n, link: 0n, xer: 0n, ccr: 0x22000000n, trap: 0xc00n },
        fpstate: { fpregs: Array(33).fill(0n) },
        vrstate: { vrregs: Array(66).fill(5n), vrsave: 0xffffffff },
        vsxstate: { vsxregs: Array(32).fill(6n) },
      },
      thread_core: threadCore,
    }],
  ];

  it.each(cases)('%s', (_arch, core) => {
    for (const order of ['LE', 'BE'] as const) {
      const buf = encodeFramed('core', [core], undefined, order);
      expect(decodeFramed(buf, 'core-1.img', order).entries).toEqual([core]);
    }
  });
});
