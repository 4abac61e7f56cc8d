// The feature names CRIU 4.x knows (`criu check --feature NAME`), so that scripts written for
// criu ask criu-ts the same questions. Each probes this kernel for real; a feature criu-ts
// does not make use of yet answers "no" whatever the kernel says, naming both, so that a
// harness never plans on something criu-ts cannot do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFdInfo } from '../proc/fdinfo.js';
import { parseUnixDiag, unixDiagRequest } from '../proc/net-unix-diag.js';
import { epollAddAt, epollCreate, flock, kcmpEpollTarget, timerfdCreate } from '../sys/anon-fd.js';
import * as probes from '../sys/check.js';
import { LOCK_EX } from '../sys/fcntl.js';
import { isSysError } from '../sys/native.js';
import { pipe2 } from '../sys/proc-ops.js';
import { PTRACE_O_SUSPEND_SECCOMP, seccompGetFilter, seize, interrupt, wait } from '../sys/ptrace.js';
import {
  AF_INET, AF_INET6, AF_UNIX, bind, getIntOpt, IPPROTO_IPV6, SO_BUF_LOCK, SOCK_DGRAM, SOCK_STREAM, sockaddrUn, sockDiag, socket, SOL_SOCKET,
} from '../sys/socket.js';
import type { Feature, FeatureAnswer } from './features.js';

const yes = (detail: string): FeatureAnswer => ({ supported: true, detail });
const no = (detail: string): FeatureAnswer => ({ supported: false, detail });

function attempt(run: () => string): FeatureAnswer {
  try {
    return yes(run());
  } catch (e) {
    return no(e instanceof Error ? e.message.replace(/^criu-ts: /, '') : String(e));
  }
}

const exists = (file: string, what: string): FeatureAnswer => (fs.existsSync(file) ? yes(`${file} exists`) : no(`no ${file}: the kernel has no ${what}`));

/** A kernel feature criu-ts does not use yet: "no", with what the kernel said. */
const notUsed = (why: string, kernel: () => FeatureAnswer) => (): FeatureAnswer => {
  const k = kernel();
  return no(`criu-ts ${why} (the kernel ${k.supported ? 'has it' : 'lacks it'}: ${k.detail})`);
};

/** Runs use(fd) on a fresh fd, then closes it. */
function withFd<T>(fd: number, use: (fd: number) => T): T {
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const fdinfoOf = (fd: number): string => fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');

function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-check-'));
  return path.join(dir, 'f');
}

function removeTmp(file: string): void {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

/** Seizes a forked idle child with options, runs `use` on it stopped, then kills and reaps it. */
function withTracee<T>(options: number, use: (pid: number) => T): T {
  const pid = probes.forkIdleChild();
  try {
    seize(pid, options);
    interrupt(pid);
    wait(pid);
    return use(pid);
  } finally {
    process.kill(pid, 'SIGKILL');
    wait(pid);
  }
}

const mntId = (): FeatureAnswer =>
  attempt(() => withFd(fs.openSync('/proc/self/status', 'r'), (fd) => {
    if (parseFdInfo(fdinfoOf(fd)).mntId < 0) throw new Error('fdinfo shows no mnt_id');
    return 'fdinfo shows mnt_id';
  }));

const fdinfoLock = (): FeatureAnswer =>
  attempt(() => {
    const file = tmpFile();
    try {
      return withFd(fs.openSync(file, 'w'), (fd) => {
        flock(fd, LOCK_EX);
        if (!fdinfoOf(fd).includes('lock:')) throw new Error('fdinfo of a locked file shows no lock: line');
        return 'fdinfo lists the locks held through a file';
      });
    } finally {
      removeTmp(file);
    }
  });

const timerfdInfo = (): FeatureAnswer =>
  attempt(() => withFd(timerfdCreate(1, 0), (fd) => {
    if (!/it_value:/.test(fdinfoOf(fd))) throw new Error("a timerfd's fdinfo shows no it_value");
    return "a timerfd's fdinfo shows its clock, ticks and setting";
  }));

const kcmpEpoll = (): FeatureAnswer =>
  attempt(() => {
    const [r, w] = pipe2(0);
    try {
      return withFd(epollCreate(0), (ep) => {
        epollAddAt(ep, [{ source: r, fd: r, events: 1, data: 0n }]);
        if (!kcmpEpollTarget(process.pid, ep, r, 0)) throw new Error('kcmp(KCMP_EPOLL_TFD) does not find an epoll target');
        return 'kcmp(KCMP_EPOLL_TFD) compares epoll targets';
      });
    } finally {
      fs.closeSync(r);
      fs.closeSync(w);
    }
  });

const unixDiagVfs = (): FeatureAnswer =>
  attempt(() => {
    const file = tmpFile();
    try {
      return withFd(socket(AF_UNIX, SOCK_STREAM), (sk) => {
        bind(sk, sockaddrUn(Buffer.from(file)));
        const ino = fs.fstatSync(sk).ino;
        const me = parseUnixDiag(sockDiag(unixDiagRequest())).get(ino);
        if (!me?.vfs) throw new Error('unix_diag gives no UDIAG_SHOW_VFS for a bound socket');
        return 'unix_diag tells the inode of a socket file';
      });
    } finally {
      removeTmp(file);
    }
  });

const bufLock = (): FeatureAnswer =>
  attempt(() => withFd(socket(AF_INET, SOCK_STREAM), (sk) => `SO_BUF_LOCK reads ${getIntOpt(sk, SOL_SOCKET, SO_BUF_LOCK)}`));

const IPV6_FREEBIND = 78;
const ipv6Freebind = (): FeatureAnswer =>
  attempt(() => withFd(socket(AF_INET6, SOCK_DGRAM), (sk) => `IPV6_FREEBIND reads ${getIntOpt(sk, IPPROTO_IPV6, IPV6_FREEBIND)}`));

const seccompSuspend = (): FeatureAnswer =>
  attempt(() => withTracee(PTRACE_O_SUSPEND_SECCOMP, (pid) => `PTRACE_O_SUSPEND_SECCOMP accepted for pid ${pid}`));

const seccompFilters = (): FeatureAnswer =>
  attempt(() => withTracee(0, (pid) => {
    try {
      seccompGetFilter(pid, 0);
    } catch (e) {
      // The probe task has no filter: the kernel knows the request when it says EINVAL (not in filter
      // mode) rather than EIO (unknown request).
      if (isSysError(e, 'EINVAL')) return 'PTRACE_SECCOMP_GET_FILTER answers (no filter in the probe task)';
      throw e;
    }
    return 'PTRACE_SECCOMP_GET_FILTER answers';
  }));

const nsPid = (): FeatureAnswer =>
  /^NSpid:/m.test(fs.readFileSync('/proc/self/status', 'utf8')) ? yes('/proc/PID/status shows NSpid') : no('/proc/PID/status has no NSpid line');

const timerRestoreIds = (): FeatureAnswer => {
  const err = probes.timerRestoreIdsProbeErrno();
  return err === 0 ? yes('prctl(PR_TIMER_CREATE_RESTORE_IDS) answers') : no(`prctl(PR_TIMER_CREATE_RESTORE_IDS) fails with errno ${err} (Linux 6.15+); timers get their ids by creation order`);
};

const openat2 = (): FeatureAnswer => {
  const err = probes.openat2ProbeErrno();
  return err === 0 ? yes('openat2(RESOLVE_NO_SYMLINKS) opens /') : no(`openat2 fails with errno ${err} (Linux 5.6+)`);
};

/** A userspace tool of the distribution criu would drive, on the PATH. */
function tool(name: string): FeatureAnswer {
  const dirs = (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  const found = dirs.map((d) => path.join(d, name)).find((f) => fs.existsSync(f));
  return found ? yes(`${found} is installed`) : no(`${name} is not installed`);
}

const AIO_MAX = '/proc/sys/fs/aio-max-nr';

/** In criu's spelling (underscores), criu's names the table of features.ts does not already answer. */
export const criuFeatures: readonly Feature[] = ([
  ['mnt_id', 'fdinfo shows the mount of an open file', mntId],
  ['fdinfo_lock', 'fdinfo lists the file locks held through a file (dump of --file-locks)', fdinfoLock],
  ['timerfd', "a timerfd's state in fdinfo (dump of timerfds)", timerfdInfo],
  ['kcmp_epoll', 'kcmp KCMP_EPOLL_TFD (dump of epoll targets)', kcmpEpoll],
  ['sk_unix_file', 'unix_diag tells the inode of a socket file (dump of bound unix sockets)', unixDiagVfs],
  ['sockopt_buf_lock', 'SO_BUF_LOCK (socket buffer sizes locked by the task)', bufLock],
  ['seccomp_suspend', 'PTRACE_O_SUSPEND_SECCOMP (dump of tasks under seccomp)', seccompSuspend],
  ['seccomp_filters', 'PTRACE_SECCOMP_GET_FILTER (dump of seccomp filters)', seccompFilters],
  ['timer_cr_ids', 'POSIX timers created with chosen ids (PR_TIMER_CREATE_RESTORE_IDS)', timerRestoreIds],
  ['ipv6_freebind', 'IPV6_FREEBIND on IPv6 sockets', notUsed('does not keep IPV6_FREEBIND yet', ipv6Freebind)],
  ['ns_pid', 'NSpid in /proc/PID/status (nested pid namespaces)', notUsed('does not dump pid namespaces yet', nsPid)],
  ['userns', 'user namespaces', notUsed('does not dump user namespaces yet', () => exists('/proc/self/ns/user', 'user namespaces'))],
  ['cgroupns', 'cgroup namespaces', notUsed('does not dump cgroup namespaces yet', () => exists('/proc/self/ns/cgroup', 'cgroup namespaces'))],
  ['loginuid', "a task's audit loginuid", notUsed('does not restore the audit loginuid yet', () => exists('/proc/self/loginuid', 'audit loginuid'))],
  ['aio_remap', 'moving AIO rings with mremap', notUsed('does not dump AIO rings yet', () => exists(AIO_MAX, 'AIO'))],
  ['tun', 'tun/tap devices', notUsed('does not dump tun/tap devices yet', () => exists('/dev/net/tun', 'tun device'))],
  ['tun_ns', 'tun/tap devices in network namespaces', notUsed('does not dump tun/tap devices yet', () => exists('/dev/net/tun', 'tun device'))],
  ['autofs', 'autofs mounts', notUsed('does not dump autofs mounts yet', () => exists('/dev/autofs', 'autofs'))],
  ['tcp_half_closed', 'TCP repair of half-closed connections', notUsed('does not dump half-closed TCP connections yet', () => no('not probed'))],
  ['compat_cr', 'tasks of a 32-bit (compat) ABI', notUsed('does not checkpoint 32-bit (compat) tasks', () => exists('/proc/sys/abi/vsyscall32', '32-bit x86 emulation'))],
  ['can_map_vdso', 'mapping the vDSO at a chosen address (arch_prctl)', notUsed('moves the vDSO with mremap instead', () => no('not probed'))],
  ['sk_ns', 'SIOCGSKNS: the network namespace of a socket', notUsed('does not dump sockets of other network namespaces yet', () => exists('/proc/self/ns/net', 'network namespaces'))],
  ['net_diag_raw', 'sock_diag of raw sockets', notUsed('does not dump raw sockets yet', () => no('not probed'))],
  ['nsid', 'netlink namespace ids (NETNSA_NSID)', notUsed('does not dump network namespaces yet', () => exists('/proc/self/ns/net', 'network namespaces'))],
  ['link_nsid', 'the namespace id of a link peer (IFLA_LINK_NETNSID)', notUsed('does not dump network namespaces yet', () => exists('/proc/self/ns/net', 'network namespaces'))],
  ['external_net_ns', 'external network namespaces', notUsed('does not dump network namespaces yet', () => exists('/proc/self/ns/net', 'network namespaces'))],
  ['newifindex', 'links created with a chosen ifindex (IFLA_NEW_IFINDEX)', notUsed('does not dump network namespaces yet', () => exists('/proc/self/ns/net', 'network namespaces'))],
  ['nftables', 'nftables rules', notUsed('does not dump nftables rules yet', () => tool('nft'))],
  ['has_ipt_legacy', 'legacy iptables', notUsed('does not dump iptables rules yet', () => tool('iptables-legacy'))],
  ['pidfd_store', 'pidfds kept between pre-dumps to tell reused PIDs', notUsed('does not pre-dump yet', () => exists('/proc/self/fdinfo', 'fdinfo'))],
  ['apparmor_stacking', 'AppArmor namespace stacking', notUsed('does not restore AppArmor profiles yet', () => exists('/sys/kernel/security/apparmor', 'AppArmor'))],
  ['network_lock_nftables', 'locking the network with nftables during a dump', notUsed('does not lock the network yet', () => tool('nft'))],
  ['memfd_hugetlb', 'memfds on hugetlbfs (MFD_HUGETLB)', notUsed('does not dump hugetlb memfds yet', () => exists('/proc/sys/vm/nr_hugepages', 'hugetlb pages'))],
  ['move_mount_set_group', 'move_mount MOVE_MOUNT_SET_GROUP (mount propagation groups)', notUsed('does not dump mount namespaces yet', () => no('not probed'))],
  ['openat2', 'openat2 with RESOLVE_* flags', notUsed('does not use openat2 yet', openat2)],
  ['overlayfs_maps', 'overlayfs files in map_files', notUsed('does not dump overlayfs mounts yet', () => no('not probed'))],
  ['breakpoints', 'hardware breakpoints and watchpoints of a task', notUsed('does not keep hardware breakpoints yet', () => no('not probed'))],
  ['pagemap_scan_guard_pages', 'PAGEMAP_SCAN reports guard pages (MADV_GUARD_INSTALL)', notUsed('does not keep guard pages yet', () => no('not probed'))],
] as const).map(([name, summary, probe]) => ({ name: name.replace(/_/g, '-'), basic: false, summary, probe }));
