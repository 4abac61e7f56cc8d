// criu_opts -> what criu-ts does with each field, in one table: every field of rpc.proto's
// criu_opts has a row (options.test.ts checks that against the schema). A row takes the
// value into our settings, accepts it with no effect (saying why, in the log), or refuses a
// value other than the default: the request then fails with every refused field named.
// Fields that only one operation reads are left alone by the other, as CRIU does.
import fs from 'node:fs';
import path from 'node:path';
import type { DumpOptions, RestoreOptions } from '../options.js';
import { CLONE_NEWNET } from '../sys/sched.js';
import type { NetworkLockMethod } from '../fd/tcp-lock.js';
import type { CriuOpts } from './messages.js';
import type { InheritFd } from '../fd/inherit-fd.js';
import { externalKey } from '../fd/external.js';

export type Operation = 'dump' | 'restore';

export interface RpcSettings {
  imagesDirFd?: number;
  imagesDir?: string;
  workDirFd?: number;
  logLevel: number;
  logFile?: string;
  logToStderr: boolean;
  notify: boolean;
  displayStats: boolean;
  dump: Omit<DumpOptions, 'imagesDir' | 'log' | 'actions' | 'pid'> & { pid?: number };
  restore: Omit<RestoreOptions, 'imagesDir' | 'log' | 'actions'>;
  /** Info lines about accepted fields, logged once the log is open. */
  notes: string[];
  /** "field (why)" for every refused field. */
  refusals: string[];
}

interface Ctx {
  op: Operation;
  s: RpcSettings;
  refuse(why: string): void;
  note(what: string): void;
}

type Rule =
  | { kind: 'take'; take: (v: any, c: Ctx) => void }
  | { kind: 'ignored'; why: string }
  | { kind: 'refused'; why: string };

interface Row {
  rule: Rule;
  /** Operations that read the field (default: both). */
  on?: readonly Operation[];
}

const take = (f: (v: any, c: Ctx) => void): Rule => ({ kind: 'take', take: f });
const ignored = (why: string): Rule => ({ kind: 'ignored', why });
const refused = (why: string): Rule => ({ kind: 'refused', why });
const D = ['dump'] as const;
const R = ['restore'] as const;

const mounts = 'mounts are not dumped: the tree shares our mount namespace (criu-ts refuses another), so none is external';
const cgroups = 'cgroups are not dumped or restored yet';

/** criu_cg_mode names criu-ts can honour: it leaves cgroups as they are (see manageCgroups). */
function manageCgroups(mode: string, c: Ctx): void {
  if (mode === 'IGNORE') return;
  if (mode === 'SOFT' || mode === 'DEFAULT') {
    c.note(`manage_cgroups ${mode}: ${cgroups}; the tree stays in the cgroups it is in (dump) or in criu-ts's own (restore), where runc and crun put criu before a restore`);
    return;
  }
  c.refuse(`mode ${mode}: ${cgroups}`);
}

export const optionTable: Readonly<Record<string, Row>> = {
  images_dir_fd: { rule: take((v: number, c) => { if (v !== -1) c.s.imagesDirFd = v; }) },
  images_dir: { rule: take((v: string, c) => { c.s.imagesDir = v; }) },
  pid: { rule: take((v: number, c) => { c.s.dump.pid = v; }), on: D },
  leave_running: { rule: take((v: boolean, c) => { c.s.dump.leaveRunning = v; }), on: D },
  ext_unix_sk: { rule: take((v: boolean, c) => { c.s.dump.extUnixSk = v; }), on: D },
  tcp_established: { rule: take((v: boolean, c) => { c.s.dump.tcpEstablished = v; }), on: D },
  evasive_devices: { rule: ignored('device files are opened by their dumped path') },
  shell_job: { rule: take((v: boolean, c) => { c.s.dump.shellJob = v; c.s.restore.shellJob = v; }) },
  file_locks: { rule: take((v: boolean, c) => { c.s.dump.fileLocks = v; }), on: D },
  log_level: { rule: take((v: number, c) => { c.s.logLevel = v; }) },
  log_file: { rule: take((v: string, c) => { if (v.includes('/')) c.refuse('a path: only a name in the work directory is allowed'); else c.s.logFile = v; }) },
  ps: { rule: refused('page server') },
  notify_scripts: { rule: take((v: boolean, c) => { c.s.notify = v; }) },
  root: {
    rule: take((v: string, c) => {
      if (c.op === 'dump') c.note('root: read on restore only, as by CRIU');
      else if (path.resolve(v) !== '/') c.refuse('restoring into another root directory');
    }),
  },
  // As CRIU: a path relative to the images directory (runc sends "../<previous>").
  parent_img: { rule: take((v: string, c) => { c.s.dump.prevImagesDir = v; }), on: D },
  track_mem: { rule: ignored('changed pages are found by comparing them with the parent images at the next dump (this kernel has no soft-dirty bit)'), on: D },
  auto_dedup: { rule: refused('deduplication against parent images') },
  work_dir_fd: { rule: take((v: number, c) => { c.s.workDirFd = v; }) },
  link_remap: { rule: take((v: boolean, c) => { c.s.dump.linkRemap = v; }), on: D },
  veths: { rule: refused('veth pairs (network namespaces are not restored)') },
  cpu_cap: { rule: ignored('criu-ts does not compare CPU features') },
  force_irmap: { rule: ignored('the paths of inotify watches are always resolved at dump') },
  exec_cmd: { rule: refused('running a command after restore') },
  ext_mnt: { rule: ignored(mounts) },
  manage_cgroups: { rule: take((v: boolean, c) => manageCgroups(v ? 'SOFT' : 'IGNORE', c)) },
  cg_root: { rule: refused(cgroups), on: R },
  rst_sibling: { rule: refused("restoring the tree as the caller's child: it is criu-ts's, reparented when criu-ts exits"), on: R },
  // fd is one of ours: the client starts swrk with it open (runc's ExtraFiles).
  inherit_fd: { rule: take((v: InheritFd[], c) => { c.s.restore.inheritFds = v.map(({ key, fd }) => ({ key, fd })); }), on: R },
  auto_ext_mnt: { rule: ignored(mounts) },
  ext_sharing: { rule: ignored(mounts) },
  ext_masters: { rule: ignored(mounts) },
  skip_mnt: { rule: ignored(mounts) },
  enable_fs: { rule: ignored(mounts) },
  unix_sk_ino: { rule: refused('ext_unix_sk with an inode list') },
  manage_cgroups_mode: { rule: take((v: string | number, c) => manageCgroups(String(v), c)) },
  ghost_limit: { rule: take((v: number, c) => { c.s.dump.ghostLimit = v; }), on: D },
  irmap_scan_paths: { rule: refused('inotify path mapping') },
  // Terminals only: on restore a tty key means nothing (the terminal comes back through inherit_fd).
  external: {
    rule: take((v: string[], c) => {
      const keys: string[] = [];
      for (const e of v) {
        const key = externalKey(e);
        if (key === undefined || key === 'unsupported') c.refuse(`${e}: only tty[RDEV:DEV] is supported yet`);
        else keys.push(key);
      }
      if (c.op === 'dump' && keys.length) c.s.dump.external = keys;
    }),
  },
  empty_ns: {
    rule: take((v: number, c) => {
      if (v === 0) return;
      // runc always asks this: it sets the container's network up itself.
      if (c.op === 'dump' && v === CLONE_NEWNET) c.note('empty_ns net: no network namespace content is dumped (none ever is)');
      else c.refuse(`0x${v.toString(16)}: namespaces are not ${c.op === 'dump' ? 'dumped' : 'created on restore'} yet`);
    }),
  },
  join_ns: { rule: refused('joining namespaces (namespaces are not restored yet)'), on: R },
  cgroup_props: { rule: refused(cgroups) },
  cgroup_props_file: { rule: refused(cgroups) },
  cgroup_dump_controller: { rule: refused(cgroups) },
  freeze_cgroup: { rule: take((v: string, c) => c.note(`freeze_cgroup ${v}: the tree is frozen with ptrace, not with the cgroup freezer`)), on: D },
  timeout: { rule: take((v: number, c) => { if (v > 0) c.s.dump.timeoutSec = v; }), on: D },
  tcp_skip_in_flight: { rule: take((v: boolean, c) => { c.s.dump.skipInFlight = v; }), on: D },
  weak_sysctls: { rule: ignored('no sysctls are restored') },
  lazy_pages: { rule: refused('lazy pages') },
  status_fd: { rule: refused('status fd') },
  orphan_pts_master: { rule: ignored("no restored terminal is an orphan: terminals come back only as a shell job's") },
  config_file: {
    rule: take((v: string, c) => { if (fs.existsSync(v)) c.refuse(`${v} exists, and criu-ts reads configuration files on its command line only`); }),
  },
  tcp_close: { rule: take((v: boolean, c) => { c.s.restore.tcpClose = v; }), on: R },
  lsm_profile: { rule: refused('LSM profiles'), on: R },
  tls_cacert: { rule: refused('TLS (page server)') },
  tls_cacrl: { rule: refused('TLS (page server)') },
  tls_cert: { rule: refused('TLS (page server)') },
  tls_key: { rule: refused('TLS (page server)') },
  tls: { rule: refused('TLS (page server)') },
  tls_no_cn_verify: { rule: refused('TLS (page server)') },
  cgroup_yard: { rule: refused(cgroups) },
  pre_dump_mode: { rule: ignored('criu-ts copies memory one way (process_vm_readv), whichever mode is named') },
  pidfd_store_sk: { rule: refused('pidfd store') },
  lsm_mount_context: { rule: refused('LSM mount context'), on: R },
  network_lock: {
    rule: take((v: string | number, c) => {
      const method = { SKIP: 'skip', 3: 'skip', IPTABLES: 'iptables', 1: 'iptables' }[String(v)] as NetworkLockMethod | undefined;
      if (!method) return c.refuse(`${v}: established connections are locked with IPTABLES or not at all (SKIP)`);
      c.s.dump.networkLock = method;
      c.s.restore.networkLock = method;
    }),
  },
  mntns_compat_mode: { rule: ignored(mounts) },
  skip_file_rwx_check: { rule: take((v: boolean, c) => { c.s.restore.skipFileRwxCheck = v; }), on: R },
  unprivileged: { rule: refused('unprivileged mode') },
  leave_stopped: { rule: take((v: boolean, c) => { c.s.dump.leaveStopped = v; c.s.restore.leaveStopped = v; }) },
  display_stats: { rule: take((v: boolean, c) => { c.s.displayStats = v; }) },
  log_to_stderr: { rule: take((v: boolean, c) => { c.s.logToStderr = v; }) },
};

/** Values a client sends to mean "not asked": false, empty, the schema's default. */
function isDefault(field: string, v: unknown): boolean {
  if (v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0)) return true;
  const schemaDefaults: Record<string, unknown> = { images_dir_fd: -1, log_level: 2, cpu_cap: 0xffffffff, ghost_limit: 0x100000, pre_dump_mode: 'SPLICE', network_lock: 'IPTABLES' };
  return schemaDefaults[field] === v;
}

/** Reads a request's criu_opts for a dump or a restore. */
export function readOptions(opts: CriuOpts | undefined, op: Operation): RpcSettings {
  const s: RpcSettings = { logLevel: 2, logToStderr: false, notify: false, displayStats: false, dump: {}, restore: {}, notes: [], refusals: [] };
  for (const [field, value] of Object.entries(opts ?? {})) {
    const row = optionTable[field];
    if (!row) {
      s.refusals.push(`${field} (unknown field)`);
      continue;
    }
    if (row.on && !row.on.includes(op)) continue;
    const ctx: Ctx = {
      op,
      s,
      refuse: (why) => s.refusals.push(`${field} (${why})`),
      note: (what) => s.notes.push(what),
    };
    const { rule } = row;
    if (rule.kind === 'take') rule.take(value, ctx);
    else if (isDefault(field, value)) continue;
    else if (rule.kind === 'ignored') s.notes.push(`${field}: accepted with no effect: ${rule.why}`);
    else ctx.refuse(rule.why);
  }
  return s;
}
