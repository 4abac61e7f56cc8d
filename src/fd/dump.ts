// The fds of a dump: per task its fdinfo entries (fd number -> file id), and the files
// they name, each written by the first kind of the registry that recognises it. Each kind
// keeps its state for the whole dump and takes part in the dump's end (KindDumpState).
// Kinds not handled are refused with an error that names the fd and what it is.
import fs from 'node:fs';
import { writeImage } from '../images/index.js';
import type { FdinfoEntry } from '../images/entries.js';
import type { FileBody } from '../images/index.js';
import type { NamespaceIdFields } from '../dump/namespaces.js';
import { parseFdInfo } from '../proc/fdinfo.js';
import { kcmpFiles } from '../sys/proc-ops.js';
import { FD_CLOEXEC, O_CLOEXEC } from '../sys/fcntl.js';
import { FileTable } from './file-table.js';
import { describeOwner, type Holder, type Owner, ownedWithin, readOwner } from './fown.js';
import type { FdDumpContext, FdDumpOptions, FdKind, FinishContext, KindDumpState, OpenFd } from './kind.js';
import { fdKinds } from './registry.js';

/** Finds an earlier fd (of any dumped task) on the same open file description. */
class Descriptions {
  private readonly seen: { pid: number; fd: number; link: string; ino: number; key: string }[] = [];
  keyOf(pid: number, fd: number, link: string, ino: number): string {
    for (const s of this.seen) {
      if (s.link === link && s.ino === ino && kcmpFiles(s.pid, pid, s.fd, fd)) return s.key;
    }
    const key = `fd:${pid}:${fd}`;
    this.seen.push({ pid, fd, link, ino, key });
    return key;
  }
}

/**
 * Owners (F_SETOWN) of the dumped files, read once per description. Restore sets each from
 * a task holding the file that the owner is within; a file without one fails the dump.
 */
class Owners {
  private readonly owned = new Map<number, { owner: Owner; settable: boolean; by: string }>();
  private readonly read = new Set<number>();

  see(id: number, body: FileBody | undefined, pid: number, fd: number): void {
    if (!body || !('fown' in body)) return;
    if (!this.read.has(id)) {
      this.read.add(id);
      const owner = readOwner(pid, fd);
      if (owner) {
        body.fown = owner;
        this.owned.set(id, { owner, settable: false, by: `fd ${fd} of ${pid}` });
      }
    }
    const o = this.owned.get(id);
    if (o && !o.settable) o.settable = ownedWithin(o.owner, holderOf(pid));
  }

  check(): void {
    for (const { owner, settable, by } of this.owned.values()) {
      if (!settable) throw new Error(`criu-ts: cannot dump ${by}: it is owned (F_SETOWN) by ${describeOwner(owner)}, which is no dumped task holding it nor its process group; that cannot be restored yet`);
    }
  }
}

function holderOf(pid: number): Holder {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  return { pid, pgid, threads: fs.readdirSync(`/proc/${pid}/task`).map(Number) };
}

type AnyKind = FdKind<KindDumpState | undefined>;

export class FilesDump {
  readonly files: FileTable;
  private readonly descriptions = new Descriptions();
  /** Kind states made so far, in the order they were first needed. */
  private readonly states = new Map<AnyKind, KindDumpState | undefined>();
  private readonly owners = new Owners();

  constructor(
    readonly options: FdDumpOptions,
    private readonly ourNamespaceIds: Readonly<NamespaceIdFields>,
    /** Every pid and tid of the tree being dumped. */
    private readonly members: ReadonlySet<number>,
  ) {
    this.files = new FileTable(options.fileValidation);
  }

  /** The state of kind in this dump, made on first use. */
  stateOf<S extends KindDumpState | undefined>(kind: FdKind<S>): S {
    const k = kind as AnyKind;
    if (!this.states.has(k)) this.states.set(k, k.newState?.(this.options));
    return this.states.get(k) as S;
  }

  /** fdinfo entries of task pid, in fd order. */
  dumpFds(pid: number): FdinfoEntry[] {
    const fds = fs.readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
    return fds.map((n) => this.dumpFd(pid, n));
  }

  /** The fdinfo entry of fd n of task pid (or of this process), its file dumped. */
  dumpFd(pid: number, n: number): FdinfoEntry {
    const link = fs.readlinkSync(`/proc/${pid}/fd/${n}`);
    const info = parseFdInfo(fs.readFileSync(`/proc/${pid}/fdinfo/${n}`, 'utf8'));
    const fd: OpenFd = {
      pid, fd: n, link, info, flags: info.flags & ~O_CLOEXEC,
      stat: () => fs.statSync(`/proc/${pid}/fd/${n}`),
      fileKey: this.descriptions.keyOf(pid, n, link, info.ino),
      unsupported: (what) => new Error(`criu-ts: cannot dump fd ${n} of ${pid} (${link}): ${what} is not supported yet`),
    };
    for (const kind of fdKinds) {
      if (kind.refuse?.matches?.(fd)) throw fd.unsupported(kind.refuse.what);
      if (!kind.dump?.matches(fd)) continue;
      const id = kind.dump.dump(fd, this.contextOf(kind));
      this.owners.see(id, this.files.bodyOf(id), pid, n);
      return { id, flags: info.flags & O_CLOEXEC ? FD_CLOEXEC : 0, type: kind.type, fd: n };
    }
    throw fd.unsupported(link.replace(/:.*$/, '') || 'this kind of file');
  }

  private contextOf<S extends KindDumpState | undefined>(kind: FdKind<S>): FdDumpContext<S> {
    return {
      files: this.files,
      state: this.stateOf(kind),
      options: this.options,
      stateOf: (other) => this.stateOf(other),
      dumpPassedFd: (fd) => this.dumpFd(process.pid, fd).id,
      ourNamespaceIds: this.ourNamespaceIds,
      inTree: (pid) => this.members.has(pid),
    };
  }

  private each(step: (s: KindDumpState) => void): void {
    for (const s of this.states.values()) if (s) step(s);
  }

  /** Every task is dumped: each kind finishes (its shared images), then files.img, which they may add to. */
  finish(out: Omit<FinishContext, 'files'>): void {
    this.owners.check();
    this.each((s) => s.finish?.({ ...out, files: this.files }));
    writeImage(out.dir, 'files.img', 'files', this.files.entries);
  }

  /** The tree was killed after a good dump. */
  killed(dir: string): void {
    this.each((s) => s.killed?.(dir));
  }

  /** The dump failed. */
  failed(): void {
    this.each((s) => s.failed?.());
  }

  /** The tree runs on (failed dump or --leave-running). */
  resumed(): void {
    this.each((s) => s.resumed?.());
  }

  close(): void {
    this.each((s) => s.close?.());
  }
}
