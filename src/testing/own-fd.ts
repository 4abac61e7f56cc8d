// Round trips of fds of this very process: dumped through the fd-kind registry (as if we
// were the target) into a file table, then reopened by the restore half of their kind.
import fs from 'node:fs';
import { afterEach } from 'vitest';
import { NamespaceIds, type NamespaceIdFields } from '../dump/namespaces.js';
import { FilesDump } from '../fd/dump.js';
import { GHOST_LIMIT } from '../fd/ghost-file.js';
import type { FdDumpOptions, OpenContext } from '../fd/kind.js';
import type { FdinfoEntry } from '../images/entries.js';
import { silentLogger } from '../log.js';
import { openContext } from '../fd/restore.js';
import type { TreeImages } from '../restore/task-images.js';

/** The *_ns_id of our namespaces, numbered as a dump numbers them. */
export const ourNamespaceIds = (): NamespaceIdFields => new NamespaceIds().of(process.pid);

export const noDumpOptions: FdDumpOptions = { shellJob: false, tcpEstablished: false, extUnixSk: false, leaveRunning: false, external: new Set(), ghostLimit: GHOST_LIMIT, skipInFlight: false, linkRemap: false, networkLock: 'skip', networkLockExplicit: false, fileValidation: 'buildid', log: silentLogger };

export interface RoundTrip {
  dump: FilesDump;
  /** The fdinfo entry of the (first) fd dumped. */
  entry: FdinfoEntry;
  /** The file id the dump gave it (0 when no fd was dumped). */
  id: number;
  /** A restore context whose tree holds the dumped files.img entries (dir for extra images). */
  ctx: OpenContext;
}

/** A restore context over the file entries of dump, with dir for the images they need. */
export function contextOf(dump: FilesDump, dir = '/nonexistent', tree: Partial<TreeImages> = {}): OpenContext {
  return openContext({ dir, files: new Map(dump.files.entries.map((e) => [e.id, e])), ...tree } as TreeImages, { shellJob: false });
}

/** Dumps our fds (the first is the one of interest; none for a dump to fill by hand) with these dump options; the tree dumped is this process. */
export function dumpOwn(fd: number | number[], dir = '/nonexistent', options: Partial<FdDumpOptions> = {}): RoundTrip {
  const dump = new FilesDump({ ...noDumpOptions, ...options }, ourNamespaceIds(), new Set([process.pid]));
  const entries = [fd].flat().map((n) => dump.dumpFd(process.pid, n));
  return { dump, entry: entries[0]!, id: entries[0]?.id ?? 0, ctx: contextOf(dump, dir) };
}

export function closeAll(ctx: OpenContext): void {
  for (const fd of ctx.opened.splice(0)) fs.closeSync(fd);
}

/** fdinfo of one of our fds. */
export const fdinfo = (fd: number): string => fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');

/** Writes the images the dump's kinds keep for its end (ghosts, memfd pages, queues...) into dir. */
export function finishInto(dump: FilesDump, dir: string): void {
  let pagesId = 0;
  dump.finish({ dir, nextPagesId: () => ++pagesId, addStats: () => {} });
}

/**
 * For a test file of own-fd round trips: keep(fd) and trip(t) register what each test opens,
 * closed after it (the restore contexts' fds, then ours).
 */
export function closedAfterEach(): { keep(fd: number): number; trip(t: RoundTrip): RoundTrip } {
  const ours: number[] = [];
  const trips: RoundTrip[] = [];
  afterEach(() => {
    for (const t of trips.splice(0)) closeAll(t.ctx);
    for (const fd of ours.splice(0)) fs.closeSync(fd);
  });
  return { keep: (fd) => (ours.push(fd), fd), trip: (t) => (trips.push(t), t) };
}
