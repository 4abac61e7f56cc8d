// The command line as data: every command and option criu-ts knows, spelled like criu's so
// that harnesses written for criu drive criu-ts unchanged. The parser (argv.ts), the help text
// (help.ts) and the tests all read these tables; adding an option is adding one row.

/** How an option takes a value, with getopt's rules (an optional value binds only as
 *  `--opt=value` or `-oVALUE`, never from the next argument). */
export type Arity = 'none' | 'required' | 'optional';

export interface OptionSpec {
  /** Long name without dashes, e.g. "images-dir". */
  long: string;
  /** One-letter short form, e.g. "D". */
  short?: string;
  arity: Arity;
  /** Name of the value in help, e.g. "DIR". */
  metavar?: string;
  help: string;
  /** criu's boolean options also exist as --no-NAME. */
  negatable?: boolean;
  /** Commands whose help lists this option; absent: every command. Parsing accepts criu's
   *  global options with every command, as criu does. */
  usedBy?: readonly CommandName[];
  /** Recognised (criu has it) but not implemented: using it fails with "not supported yet". */
  unsupported?: true;
}

export const commandNames = [
  'dump', 'restore', 'check', 'show', 'decode', 'encode',
  'pre-dump', 'page-server', 'lazy-pages', 'swrk', 'service',
] as const;
export type CommandName = (typeof commandNames)[number];

export interface CommandSpec {
  name: CommandName;
  summary: string;
  /** Usage line after "criu-ts ". */
  usage: string;
  /** Options only this command knows; they take precedence over global ones of the same spelling. */
  options: readonly OptionSpec[];
  /** How many positional arguments after the command it takes. */
  positionals: { min: number; max: number; metavar?: string };
  /** Recognised but not implemented: the command fails with "not supported yet". */
  unsupported?: true;
}

const dumpish = ['dump', 'pre-dump'] as const;
const restoreOnly = ['restore'] as const;
const crOnly = ['dump', 'pre-dump', 'restore'] as const;
const serviceOnly = ['service'] as const;

/** criu's global options (accepted with every command). */
export const globalOptions: readonly OptionSpec[] = [
  { long: 'help', short: 'h', arity: 'none', help: 'show help (of a command when after it) and exit' },
  { long: 'version', short: 'V', arity: 'none', help: 'print the version and exit' },
  { long: 'tree', short: 't', arity: 'required', metavar: 'PID', help: 'root of the process tree to checkpoint', usedBy: dumpish },
  { long: 'images-dir', short: 'D', arity: 'required', metavar: 'DIR', help: 'directory of the image files (default: current directory)', usedBy: crOnly },
  { long: 'work-dir', short: 'W', arity: 'required', metavar: 'DIR', help: 'directory for the log file (default: the images directory)', usedBy: crOnly },
  { long: 'log-file', short: 'o', arity: 'required', metavar: 'FILE', help: 'write the log to FILE, relative to the work directory' },
  { long: 'verbosity', short: 'v', arity: 'optional', metavar: 'N', help: 'log level 0-4 (default 2 = warnings): -v raises it by one, -vv by two, -vN or --verbosity=N sets it' },
  { long: 'shell-job', short: 'j', arity: 'none', negatable: true, help: 'the tree is attached to a terminal/session (dump) or restore into ours', usedBy: crOnly },
  { long: 'leave-running', short: 'R', arity: 'none', help: 'leave the tree running after a successful dump', usedBy: dumpish },
  { long: 'restore-detached', short: 'd', arity: 'none', negatable: true, help: 'return once the tree runs instead of waiting for its root to exit', usedBy: restoreOnly },
  { long: 'daemon', arity: 'none', negatable: true, help: 'same as --restore-detached', usedBy: restoreOnly },
  { long: 'verify', arity: 'none', help: 'check the images against their checksums (checksums.img) and exit, restoring nothing', usedBy: restoreOnly },
  { long: 'pidfile', arity: 'required', metavar: 'FILE', help: "write the restored root's PID (service: its own) to FILE", usedBy: ['restore', 'service'] },
  { long: 'no-default-config', arity: 'none', help: 'do not read /etc/criu/default.conf and ~/.criu/default.conf' },
  { long: 'timeout', arity: 'required', metavar: 'SEC', help: 'give up seizing and freezing the tree after SEC seconds', usedBy: dumpish },
  { long: 'file-locks', short: 'l', arity: 'none', negatable: true, help: 'checkpoint/restore file locks', usedBy: crOnly },
  { long: 'tcp-established', arity: 'none', negatable: true, help: 'checkpoint/restore established TCP connections', usedBy: crOnly },
  { long: 'ext-unix-sk', short: 'x', arity: 'optional', metavar: 'INODE', negatable: true, help: 'allow unix sockets connected to peers outside the tree (an INODE list is not supported yet)', usedBy: crOnly },
  { long: 'manage-cgroups', arity: 'optional', metavar: 'MODE', help: 'cgroup handling; only MODE "ignore" (leave cgroups alone) is supported', usedBy: crOnly },
  { long: 'ghost-limit', arity: 'required', metavar: 'SIZE', help: 'largest unlinked file to carry in the images, in bytes or with a K, M or G suffix (default 1M)', usedBy: dumpish },
  { long: 'ghost-fiemap', arity: 'none', negatable: true, help: "find the data of unlinked files with FIEMAP (criu-ts always finds it with SEEK_DATA/SEEK_HOLE, which gives the same extents)", usedBy: dumpish },
  { long: 'display-stats', arity: 'none', negatable: true, help: 'print the dump/restore statistics at the end', usedBy: crOnly },
  { long: 'action-script', arity: 'required', metavar: 'FILE', help: 'run FILE at each stage (CRTOOLS_SCRIPT_ACTION names it); may be given more than once', usedBy: crOnly },
  { long: 'evasive-devices', arity: 'none', negatable: true, help: 'accepted; criu-ts opens device files by their dumped path only' },
  { long: 'tcp-close', arity: 'none', negatable: true, help: 'restore established TCP connections as closed sockets (the program sees them dropped, the peer is reset)', usedBy: restoreOnly },
  { long: 'skip-in-flight', arity: 'none', negatable: true, help: 'drop TCP connections waiting to be accepted (without it a listener with any fails the dump)', usedBy: dumpish },
  { long: 'network-lock', arity: 'required', metavar: 'METHOD', help: 'iptables (default) or skip: how established connections are kept from being reset while the tree is down', usedBy: crOnly },
  { long: 'pre-dump-mode', arity: 'required', metavar: 'MODE', help: 'splice or read: how pre-dump reads memory (accepted on dump, as by criu, which uses it for pre-dump only)', usedBy: dumpish },
  { long: 'force-irmap', arity: 'none', negatable: true, help: 'accepted; criu-ts always resolves the paths of inotify watches at dump', usedBy: dumpish },
  { long: 'log-pid', arity: 'none', negatable: true, help: 'write the log to FILE.PID (FILE of -o, PID of criu-ts)' },
  // Recognised criu options that criu-ts does not implement yet: they fail clearly.
  { long: 'root', short: 'r', arity: 'required', metavar: 'DIR', help: 'restore into DIR as the root', usedBy: restoreOnly, unsupported: true },
  { long: 'external', arity: 'required', metavar: 'RES', help: 'a resource outside the tree it may hold: tty[RDEV:DEV] (hex, of stat(2)), a terminal whose master is elsewhere; may be given more than once', usedBy: dumpish },
  { long: 'leave-stopped', short: 's', arity: 'none', help: 'leave every task stopped (SIGSTOP) after the dump or the restore', usedBy: ['dump', 'restore'] },
  { long: 'restore-sibling', short: 'S', arity: 'none', negatable: true, help: 'restore the root as a sibling of criu-ts', usedBy: restoreOnly, unsupported: true },
  { long: 'join-ns', short: 'J', arity: 'required', metavar: 'NS:PATH', help: 'join an existing namespace on restore', usedBy: restoreOnly, unsupported: true },
  { long: 'libdir', short: 'L', arity: 'required', metavar: 'DIR', help: 'directory of plugins', unsupported: true },
  { long: 'ext-mount-map', short: 'M', arity: 'required', metavar: 'KEY:VAL', help: 'map an external mount', usedBy: crOnly, unsupported: true },
  { long: 'config', arity: 'required', metavar: 'FILE', help: 'read options from FILE (instead of the default files), before the command line' },
  { long: 'status-fd', arity: 'required', metavar: 'FD', help: 'write one zero byte to FD and close it once ready (the service: when it listens)', usedBy: serviceOnly },
  { long: 'inherit-fd', arity: 'required', metavar: 'fd[N]:RES', help: "restore the file named RES (pipe:[INO], socket:[INO], a path without its leading /) as criu-ts's fd N; may be given more than once", usedBy: restoreOnly },
  { long: 'link-remap', arity: 'none', negatable: true, help: 'an open file unlinked but linked elsewhere gets a hard link (link_remap.N in its old directory) that restore opens and removes', usedBy: crOnly },

  { long: 'track-mem', arity: 'none', negatable: true, help: 'accepted: a dump with --prev-images-dir finds changed pages by comparing them with the previous dump', usedBy: dumpish },
  { long: 'prev-images-dir', arity: 'required', metavar: 'DIR', help: 'images of a previous (pre-)dump, relative to the images dir: unchanged pages are not written again', usedBy: dumpish },
  { long: 'auto-dedup', arity: 'none', negatable: true, help: 'punch out pages already in parent images', usedBy: crOnly, unsupported: true },
  { long: 'page-server', arity: 'none', negatable: true, help: 'send pages to a page server', usedBy: dumpish, unsupported: true },
  { long: 'address', arity: 'required', metavar: 'PATH', help: 'the service socket (default ./criu_service.socket)', usedBy: serviceOnly },
  { long: 'port', arity: 'required', metavar: 'PORT', help: 'page server port', unsupported: true },
  { long: 'lazy-pages', arity: 'none', help: 'restore memory lazily through userfaultfd', usedBy: restoreOnly, unsupported: true },
  { long: 'freeze-cgroup', arity: 'required', metavar: 'PATH', help: 'freeze the tree with this cgroup freezer', usedBy: dumpish, unsupported: true },
  { long: 'cgroup-root', arity: 'required', metavar: '[CTL:]PATH', help: 'restore cgroups under PATH', usedBy: restoreOnly, unsupported: true },
  { long: 'skip-mnt', arity: 'required', metavar: 'MOUNT', help: 'ignore this mount', usedBy: crOnly, unsupported: true },
  { long: 'enable-fs', arity: 'required', metavar: 'FS', help: 'dump the content of this filesystem', usedBy: dumpish, unsupported: true },
  { long: 'file-validation', arity: 'required', metavar: 'METHOD', help: 'buildid (default) or filesize: how files opened by path are checked on restore (size and mode; buildid adds the ELF build-id)', usedBy: crOnly },
  { long: 'skip-file-rwx-check', arity: 'none', negatable: true, help: 'restore files whose permission bits changed since the dump', usedBy: restoreOnly },
  { long: 'lsm-profile', arity: 'required', metavar: 'TYPE:NAME', help: 'LSM profile of the restored tree', usedBy: restoreOnly, unsupported: true },
  { long: 'weak-sysctls', arity: 'none', negatable: true, help: 'skip sysctls the kernel lacks', usedBy: restoreOnly, unsupported: true },
  { long: 'stream', arity: 'none', negatable: true, help: 'stream images through criu-image-streamer', unsupported: true },
];

/** Every command, in the order help lists them. */
export const commands: readonly CommandSpec[] = [
  { name: 'dump', summary: 'checkpoint a process tree into an images directory', usage: 'dump -t PID -D DIR [options]', options: [], positionals: { min: 0, max: 0 } },
  { name: 'restore', summary: 'restore a process tree from an images directory', usage: 'restore -D DIR [-d] [--pidfile FILE] [options]', options: [], positionals: { min: 0, max: 0 } },
  {
    name: 'check',
    summary: 'check what this kernel offers to checkpoint/restore',
    usage: 'check [--all] [--feature NAME|list] [--fault-points]',
    options: [
      { long: 'feature', arity: 'required', metavar: 'NAME', help: 'check one feature; exit 0 only when supported ("list" lists the names)' },
      { long: 'all', arity: 'none', help: 'check every feature, not only those dump and restore always need' },
      { long: 'extra', arity: 'none', negatable: true, help: 'same as --all' },
      { long: 'fault-points', arity: 'none', help: 'list the fault injection points (CRIU_TS_FAULT), one per line' },
    ],
    positionals: { min: 0, max: 0 },
  },
  { name: 'show', summary: 'print an image file, one line per entry', usage: 'show FILE', options: [], positionals: { min: 1, max: 1, metavar: 'FILE' } },
  {
    name: 'decode',
    summary: 'print an image file as JSON (like crit decode)',
    usage: 'decode -i FILE [-o OUT] [--pretty]',
    options: [
      { long: 'input', short: 'i', arity: 'required', metavar: 'FILE', help: 'image file to decode' },
      { long: 'output', short: 'o', arity: 'required', metavar: 'OUT', help: 'write the JSON to OUT instead of stdout' },
      { long: 'pretty', arity: 'none', help: 'indent the JSON' },
    ],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'encode',
    summary: 'write an image file from JSON (like crit encode)',
    usage: 'encode -i JSON -o FILE',
    options: [
      { long: 'input', short: 'i', arity: 'required', metavar: 'JSON', help: 'JSON file to encode' },
      { long: 'output', short: 'o', arity: 'required', metavar: 'FILE', help: 'image file to write' },
    ],
    positionals: { min: 0, max: 0 },
  },
  { name: 'pre-dump', summary: 'save the memory of a running tree for an incremental dump', usage: 'pre-dump -t PID -D DIR [--prev-images-dir DIR]', options: [], positionals: { min: 0, max: 0 } },
  { name: 'page-server', summary: 'serve pages to a remote dump', usage: 'page-server --port PORT', options: [], positionals: { min: 0, max: 0 }, unsupported: true },
  { name: 'lazy-pages', summary: 'serve memory to a lazily restored tree', usage: 'lazy-pages -D DIR', options: [], positionals: { min: 0, max: 0 }, unsupported: true },
  { name: 'swrk', summary: "serve CRIU's RPC on an inherited SOCK_SEQPACKET socket (how runc, crun and Podman run criu)", usage: 'swrk FD', options: [], positionals: { min: 1, max: 1, metavar: 'FD' } },
  { name: 'service', summary: "serve CRIU's RPC on a unix socket, one worker per connection", usage: 'service [--address PATH] [--pidfile FILE]', options: [], positionals: { min: 0, max: 0 } },
];

export function commandByName(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}
