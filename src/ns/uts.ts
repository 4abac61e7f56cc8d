// UTS namespaces (host and domain name): one other than the dumper's is dumped as
// utsns-ID.img, ID its uts_ns_id, as CRIU names it; the task that creates it on restore
// (see tree.ts) writes the names into it.
import { ImageError, writeImage } from '../images/index.js';
import type { UtsnsEntry } from '../images/entries.js';
import { readFilesIn } from '../sys/namespace.js';
import { namespacesToDump, readNamespaceImages } from './tree.js';

/** The kernel's __NEW_UTS_LEN: neither name can be longer (bytes, without the NUL). */
const UTS_NAME_MAX = 64;
const HOSTNAME = '/proc/sys/kernel/hostname';
const DOMAINNAME = '/proc/sys/kernel/domainname';

/** Host and domain name of pid's UTS namespace. */
export function utsNamesOf(pid: number): UtsnsEntry {
  const [host, domain] = readFilesIn(pid, 'uts', [HOSTNAME, DOMAINNAME]);
  if (host === undefined || domain === undefined) throw new Error(`criu-ts: cannot read the host and domain name of task ${pid}'s uts namespace`);
  return { nodename: host.replace(/\n$/, ''), domainname: domain.replace(/\n$/, '') };
}

/** Writes utsns-ID.img for each UTS namespace of the tree that is not ours. */
export function dumpUtsNamespaces(dir: string, tasks: readonly { pid: number; nsId: number }[]): void {
  for (const t of namespacesToDump('uts', tasks)) writeImage(dir, `utsns-${t.nsId}.img`, 'utsns', [utsNamesOf(t.pid)]);
}

/** Every utsns-ID.img of an image set, by ID, with names the kernel can take. */
export function readUtsNamespaces(dir: string, files: readonly string[]): Map<number, UtsnsEntry> {
  return readNamespaceImages(dir, files, 'utsns', (e, f) => {
    for (const name of ['nodename', 'domainname'] as const) {
      if (Buffer.byteLength(e[name]) > UTS_NAME_MAX) throw new ImageError(f, 0, `a ${name} of at most ${UTS_NAME_MAX} bytes, found ${Buffer.byteLength(e[name])}`);
    }
    return { nodename: e.nodename, domainname: e.domainname };
  });
}

/** What the creating task writes into its new UTS namespace. */
export const utsSysctls = (e: UtsnsEntry): [string, string][] => [[HOSTNAME, e.nodename], [DOMAINNAME, e.domainname]];
