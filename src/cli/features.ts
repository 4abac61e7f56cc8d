// What this kernel offers to checkpoint/restore, probed for real (no version guessing): the
// table behind `criu-ts check`. Basic features are what dump and restore always need; the
// others matter for some trees or for later work (incremental dumps, lazy restore).
import fs from 'node:fs';
import os from 'node:os';
import { hostArch } from '../arch/index.js';
import { parseAuxv } from '../proc/auxv.js';
import { parseFdInfo } from '../proc/fdinfo.js';
import { parseMaps } from '../proc/maps.js';
import { EFD_SEMAPHORE, eventfd } from '../sys/anon-fd.js';
import * as probes from '../sys/check.js';
import { O_EXCL } from '../sys/fcntl.js';
import { MFD_CLOEXEC } from '../sys/mman.js';
import { memfdCreate, pidfdGetfd, pidfdOpen } from '../sys/proc-ops.js';
import { getRseqConfiguration, interrupt, seize, wait } from '../sys/ptrace.js';
import { isSysError } from '../sys/native.js';
import { criuFeatures } from './features-criu.js';

export interface FeatureAnswer {
  supported: boolean;
  /** Why not, or what was found. */
  detail: string;
}

export interface Feature {
  name: string;
  /** Needed by every dump/restore: plain `check` fails without it. */
  basic: boolean;
  summary: string;
  probe(): FeatureAnswer;
}

const { ENOSYS, EINVAL, E2BIG, EIO } = os.constants.errno;
const yes = (detail: string): FeatureAnswer => ({ supported: true, detail });
const no = (detail: string): FeatureAnswer => ({ supported: false, detail });

/** Runs a probe that answers by throwing: a thrown error is a "no" with its message. */
function attempt(run: () => string): FeatureAnswer {
  try {
    return yes(run());
  } catch (e) {
    return no(e instanceof Error ? e.message.replace(/^criu-ts: /, '') : String(e));
  }
}

// userfaultfd feature bits (UFFDIO_API), as numbered by linux/userfaultfd.h.
export const uffdFeature = {
  EVENT_FORK: 1 << 1,
  EVENT_REMAP: 1 << 2,
  EVENT_REMOVE: 1 << 3,
  EVENT_UNMAP: 1 << 6,
  WP_ASYNC: 1 << 15,
} as const;
const uffdNonCoop = uffdFeature.EVENT_FORK | uffdFeature.EVENT_REMAP | uffdFeature.EVENT_REMOVE | uffdFeature.EVENT_UNMAP;

const AT_PAGESZ = 6n;
const AT_SYSINFO_EHDR = 33n;
/** Bit 55 of a pagemap entry: the page (or its VMA) is soft-dirty. */
const PM_SOFT_DIRTY = 1n << 55n;
/** Capability bits in /proc/PID/status Cap* masks. */
const CAP_SYS_ADMIN = 21n;
const CAP_CHECKPOINT_RESTORE = 40n;

function auxvValue(type: bigint): bigint | undefined {
  const words = parseAuxv(fs.readFileSync('/proc/self/auxv'), os.endianness() === 'LE');
  for (let i = 0; i + 1 < words.length; i += 2) if (words[i] === type) return words[i + 1];
  return undefined;
}

/** userfaultfd with at least the feature bits `need` (named `what` in the answer). */
function uffdAnswer(need: number, what: string): FeatureAnswer {
  let have = 0;
  const r = attempt(() => {
    have = probes.uffdFeatures();
    return `features 0x${have.toString(16)}`;
  });
  if (!r.supported || (have & need) === need) return r;
  return no(`userfaultfd lacks ${what} (${r.detail})`);
}

function pagemapScan(): FeatureAnswer {
  return attempt(() => {
    try {
      probes.pagemapScanSelf();
    } catch (e) {
      if (isSysError(e, 'ENOTTY')) throw new Error('the kernel has no PAGEMAP_SCAN ioctl (Linux 6.7+)');
      throw e;
    }
    return 'ioctl(PAGEMAP_SCAN) on /proc/self/pagemap works';
  });
}

/** Without CONFIG_MEM_SOFT_DIRTY no pagemap entry ever has bit 55; with it, every VMA of a
 *  fresh process is soft-dirty, so one look at each VMA's first page decides. */
function softDirty(): FeatureAnswer {
  return attempt(() => {
    const page = Number(auxvValue(AT_PAGESZ) ?? 4096n);
    const vmas = parseMaps(fs.readFileSync('/proc/self/maps', 'utf8'));
    const fd = fs.openSync('/proc/self/pagemap', 'r');
    const entry = Buffer.alloc(8);
    try {
      for (const v of vmas) {
        const offset = (v.start / BigInt(page)) * 8n;
        if (offset > BigInt(Number.MAX_SAFE_INTEGER)) continue; // [vsyscall]: not in the page tables
        if (fs.readSync(fd, entry, 0, 8, Number(offset)) !== 8) continue;
        const bits = os.endianness() === 'LE' ? entry.readBigUInt64LE(0) : entry.readBigUInt64BE(0);
        if (bits & PM_SOFT_DIRTY) return `pagemap reports soft-dirty pages (${v.name || 'anonymous'} at 0x${v.start.toString(16)})`;
      }
    } finally {
      fs.closeSync(fd);
    }
    throw new Error(`no soft-dirty bit in any of ${vmas.length} mappings of a fresh process (kernel built without CONFIG_MEM_SOFT_DIRTY)`);
  });
}

/** Seizes a forked idle child, runs `withTracee` on it while it is in a ptrace stop, then kills and reaps it. */
function withIdleTracee<T>(withTracee: (pid: number) => T): T {
  const pid = probes.forkIdleChild();
  try {
    seize(pid);
    interrupt(pid);
    wait(pid);
    return withTracee(pid);
  } finally {
    process.kill(pid, 'SIGKILL');
    wait(pid);
  }
}

function effectiveCaps(): bigint {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapEff:'));
  return line ? BigInt('0x' + line.slice(7).trim()) : 0n;
}

export const features: readonly Feature[] = [
  {
    name: 'arch',
    basic: true,
    summary: 'criu-ts supports this CPU architecture',
    probe: () => attempt(() => `${hostArch().name}`),
  },
  {
    name: 'map-files',
    basic: true,
    summary: '/proc/PID/map_files lists the files mapped by a task',
    probe: () => attempt(() => `${fs.readdirSync('/proc/self/map_files').length} entries in /proc/self/map_files`),
  },
  {
    name: 'ptrace',
    basic: true,
    summary: 'PTRACE_SEIZE and PTRACE_INTERRUPT of a task',
    probe: () => attempt(() => withIdleTracee((pid) => `seized and interrupted pid ${pid}`)),
  },
  {
    name: 'clone3-set-tid',
    basic: true,
    summary: 'clone3 creates a task with a chosen PID (set_tid)',
    probe: () => {
      const err = probes.clone3SetTidProbeErrno();
      if (err === ENOSYS) return no('the kernel has no clone3 (Linux 5.3+)');
      if (err === E2BIG) return no('clone3 has no set_tid (Linux 5.5+)');
      if (err !== EINVAL) return no(`clone3 set_tid probe gave errno ${err}`);
      const caps = effectiveCaps();
      if (!(caps & (1n << CAP_CHECKPOINT_RESTORE)) && !(caps & (1n << CAP_SYS_ADMIN))) {
        return no('clone3 knows set_tid, but we lack CAP_CHECKPOINT_RESTORE and CAP_SYS_ADMIN');
      }
      return yes('clone3 knows set_tid and we hold the capability to use it');
    },
  },
  {
    name: 'pidfd',
    basic: true,
    summary: 'pidfd_open and pidfd_getfd (take a file from another task)',
    probe: () =>
      attempt(() => {
        const pidfd = pidfdOpen(process.pid);
        try {
          fs.closeSync(pidfdGetfd(pidfd, pidfd));
        } finally {
          fs.closeSync(pidfd);
        }
        return 'pidfd_open and pidfd_getfd work';
      }),
  },
  {
    name: 'memfd',
    basic: true,
    summary: 'memfd_create (the parasite and shared memory live in memfds)',
    probe: () =>
      attempt(() => {
        fs.closeSync(memfdCreate('criu-ts-check', MFD_CLOEXEC));
        return 'memfd_create works';
      }),
  },
  {
    name: 'vdso',
    basic: true,
    summary: 'the vDSO is mapped where the auxiliary vector says',
    probe: () =>
      attempt(() => {
        const vmas = parseMaps(fs.readFileSync('/proc/self/maps', 'utf8'));
        const vdso = vmas.find((v) => v.name === '[vdso]');
        if (!vdso) throw new Error('no [vdso] mapping in /proc/self/maps');
        const ehdr = auxvValue(AT_SYSINFO_EHDR);
        if (ehdr !== vdso.start) throw new Error(`AT_SYSINFO_EHDR 0x${(ehdr ?? 0n).toString(16)} is not the [vdso] start 0x${vdso.start.toString(16)}`);
        const vvar = vmas.filter((v) => v.name.startsWith('[vvar')).map((v) => `${v.name} ${(v.end - v.start) / 1024n} KiB`);
        return `[vdso] ${(vdso.end - vdso.start) / 1024n} KiB${vvar.length ? ', ' + vvar.join(', ') : ''}`;
      }),
  },
  {
    name: 'uffd',
    basic: false,
    summary: 'userfaultfd (lazy restore, write tracking)',
    probe: () => uffdAnswer(0, 'nothing'),
  },
  {
    name: 'uffd-noncoop',
    basic: false,
    summary: 'userfaultfd events for fork, mremap, madvise and munmap',
    probe: () => uffdAnswer(uffdNonCoop, 'the non-cooperative events (fork, remap, remove, unmap)'),
  },
  {
    name: 'pagemap-scan',
    basic: false,
    summary: 'the PAGEMAP_SCAN ioctl (fast listing of present/written pages)',
    probe: pagemapScan,
  },
  {
    name: 'soft-dirty',
    basic: false,
    summary: 'soft-dirty page tracking in /proc/PID/pagemap',
    probe: softDirty,
  },
  {
    name: 'mem-dirty-track',
    basic: false,
    summary: 'tracking of written pages for incremental dumps (soft-dirty, or userfaultfd WP_ASYNC + PAGEMAP_SCAN)',
    probe: () => {
      const sd = softDirty();
      if (sd.supported) return yes(`by soft-dirty: ${sd.detail}`);
      const wp = uffdAnswer(uffdFeature.WP_ASYNC, 'WP_ASYNC');
      const scan = pagemapScan();
      if (wp.supported && scan.supported) return yes('by userfaultfd WP_ASYNC + PAGEMAP_SCAN');
      return no(`no soft-dirty, and ${wp.supported ? scan.detail : wp.detail}`);
    },
  },
  {
    name: 'rseq',
    basic: false,
    summary: 'restartable sequences (tasks may have an rseq area to carry over)',
    probe: () => {
      const err = probes.rseqProbeErrno();
      return err === ENOSYS ? no('the kernel has no rseq syscall') : yes('the rseq syscall exists');
    },
  },
  {
    name: 'ptrace-get-rseq-conf',
    basic: false,
    summary: "PTRACE_GET_RSEQ_CONFIGURATION (read a task's rseq area)",
    probe: () =>
      attempt(() =>
        withIdleTracee((pid) => {
          try {
            return `rseq area of ${getRseqConfiguration(pid).rseqAbiSize} bytes reported`;
          } catch (e) {
            if (isSysError(e) && e.errno === EIO) throw new Error('the kernel has no PTRACE_GET_RSEQ_CONFIGURATION (Linux 5.13+)');
            throw e;
          }
        }),
      ),
  },
  {
    name: 'pidfd-thread',
    basic: false,
    summary: 'pidfds of single threads (PIDFD_THREAD, Linux 6.9+): dumped and restored as such',
    probe: () => attempt(() => {
      fs.closeSync(pidfdOpen(process.pid, O_EXCL));
      return 'pidfd_open takes PIDFD_THREAD';
    }),
  },
  {
    name: 'eventfd-semaphore',
    basic: false,
    summary: "fdinfo tells an eventfd's semaphore mode (Linux 6.3+; without it the mode is lost)",
    probe: () => attempt(() => {
      const fd = eventfd(EFD_SEMAPHORE);
      try {
        if (parseFdInfo(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')).extra.get('eventfd-semaphore') !== '1') {
          throw new Error('fdinfo of a semaphore eventfd has no eventfd-semaphore line');
        }
      } finally {
        fs.closeSync(fd);
      }
      return 'fdinfo shows eventfd-semaphore';
    }),
  },
  {
    name: 'timens',
    basic: false,
    summary: 'time namespaces (monotonic clocks carried over)',
    probe: () => (fs.existsSync('/proc/self/ns/time') ? yes('/proc/self/ns/time exists') : no('the kernel has no time namespaces')),
  },
];

/** Every feature: criu-ts's own table, then the names only criu's spelling knows. */
export const allFeatures: readonly Feature[] = [...features, ...criuFeatures];

/** Probes a feature; a probe that throws (e.g. the addon is missing) answers "no" with the reason. */
export function probeFeature(f: Feature): FeatureAnswer {
  return attempt(() => {
    const a = f.probe();
    if (!a.supported) throw new Error(a.detail);
    return a.detail;
  });
}

/** criu spells some features with underscores or other names; accept those too. */
const aliases: Readonly<Record<string, string>> = {
  'get-rseq-conf': 'ptrace-get-rseq-conf',
  'time-namespace': 'timens',
};

export function featureByName(name: string): Feature | undefined {
  const dashed = name.replace(/_/g, '-');
  const canonical = aliases[dashed] ?? dashed;
  return allFeatures.find((f) => f.name === canonical);
}
