// The guest's /init (fixed per arch, baked into the initramfs) and the per-run script it
// executes from the report share. Console lines starting with GUEST_MARK are the protocol
// between the guest and the host (see console.ts).

export const GUEST_MARK = 'criu-ts-guest:';

/** Mount points inside the guest. */
export const guestPaths = {
  /** The arch's cache dir (root/ with Node and its libraries, addon/). */
  cache: '/guest',
  repo: '/repo',
  /** The host's report dir (9p): the run script comes from here, the status goes here. */
  share: '/share',
  /** Where the command writes its report: a tmpfs, since tests need fifos, sockets, shared
   *  mappings and inotify, which 9p lacks. Its regular files are copied to the share at the end. */
  report: '/report',
} as const;

/** 9p mount tags, one per share. */
export const shareTags = { cache: 'guest', repo: 'repo', report: 'report' } as const;

/** Kernel command line key naming the run (its script and status file in the report share). */
export const RUN_PARAM = 'criuts.run';

export function runScriptName(run: string): string {
  return `${run}.run.sh`;
}

export function statusFileName(run: string): string {
  return `${run}.status`;
}

export interface InitSpec {
  /** Module files (relative to /modules in the initramfs) in load order. */
  modules: string[];
  /** Top-level dirs of the Node root that become /<dir> symlinks ("usr", "lib", "lib64"). */
  rootDirs: string[];
  hostname: string;
}

/** Quotes one word for POSIX sh. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** /init: mounts, loads modules, runs the run script named on the command line, powers off. */
export function initScript(spec: InitSpec): string {
  const ninep = 'trans=virtio,version=9p2000.L,msize=512000';
  const fail = (what: string) => `|| fail ${shQuote(what)}`;
  return [
    '#!/bin/busybox sh',
    '/bin/busybox --install -s /bin',
    'export PATH=/bin:/usr/bin:/sbin:/usr/sbin',
    `fail() { echo "${GUEST_MARK} error: $1"; sync; poweroff -f; }`,
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t devtmpfs devtmpfs /dev',
    `echo "${GUEST_MARK} init $(uname -r)"`,
    'mkdir -p /dev/pts /dev/shm',
    'mount -t devpts devpts /dev/pts',
    'mount -t tmpfs tmpfs /dev/shm',
    'mount -t tmpfs tmpfs /tmp',
    `mount -t tmpfs tmpfs ${guestPaths.report}`,
    ...spec.modules.map((m) => `insmod /modules/${m} ${fail(`insmod ${m}`)}`),
    // The Node root stays unchanged during a run: let the guest cache it. The report share
    // is written by the guest and read by the host, so it is not cached.
    `mount -t 9p -o ${ninep},ro,cache=loose ${shareTags.cache} ${guestPaths.cache} ${fail('mount the guest cache share')}`,
    `mount -t 9p -o ${ninep},ro ${shareTags.repo} ${guestPaths.repo} ${fail('mount the repo share')}`,
    `mount -t 9p -o ${ninep} ${shareTags.report} ${guestPaths.share} ${fail('mount the report share')}`,
    ...spec.rootDirs.map((d) => `ln -s ${guestPaths.cache}/root/${d} /${d}`),
    `hostname ${shQuote(spec.hostname)}`,
    `ip link set lo up ${fail('bring up lo')}`,
    `run=$(sed -n 's/.*${RUN_PARAM.replace('.', '\\.')}=\\([^ ]*\\).*/\\1/p' /proc/cmdline)`,
    `[ -n "$run" ] ${fail(`no ${RUN_PARAM}= on the kernel command line`)}`,
    `[ -f ${guestPaths.share}/"$run".run.sh ] ${fail(`missing ${guestPaths.share}/$run.run.sh`)}`,
    `echo "${GUEST_MARK} ready"`,
    `sh ${guestPaths.share}/"$run".run.sh`,
    'status=$?',
    `cd ${guestPaths.report}`,
    `find . -type d | while IFS= read -r d; do mkdir -p ${guestPaths.share}/"$d" || exit 1; done ${fail('copy the report dirs to the share')}`,
    `find . -type f | while IFS= read -r f; do cp "$f" ${guestPaths.share}/"$f" || exit 1; done ${fail('copy the report files to the share')}`,
    `echo $status > ${guestPaths.share}/"$run".status`,
    'sync',
    `echo "${GUEST_MARK} exit $status"`,
    'poweroff -f',
    '',
  ].join('\n');
}

export function hangRequestName(run: string): string {
  return `${run}.hang`;
}

/**
 * The per-run script: environment, working directory and one command. Its output goes
 * through a pipe so the command does not take the console for a terminal (no progress
 * redraws in the console log); pipefail keeps the command's exit status. With hangRequest
 * (a file in the share), a watcher prints every task to the console (sysrq t) each time the
 * host creates that file: how the host sees where a stalled guest is stuck.
 */
export function runScript(env: Record<string, string>, cwd: string, argv: string[], hangRequest?: string): string {
  const f = hangRequest === undefined ? '' : shQuote(hangRequest);
  return [
    'set -o pipefail',
    ...(hangRequest === undefined
      ? []
      : [`( while sleep 5; do if [ -e ${f} ]; then rm -f ${f}; echo 7 > /proc/sys/kernel/printk; echo t > /proc/sysrq-trigger; fi; done ) &`]),
    ...Object.entries(env).map(([k, v]) => `export ${k}=${shQuote(v)}`),
    `cd ${shQuote(cwd)} || exit 125`,
    `${argv.map(shQuote).join(' ')} 2>&1 | cat`,
    '',
  ].join('\n');
}
