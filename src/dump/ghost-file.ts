// Files unlinked while open ("/path (deleted)"): a REG entry under the old path, remapped
// (remap-fpath.img, GHOST) to ghost-file-<n>.img, which holds the inode's owner, mode,
// times and whole contents. Restore recreates the file, opens it and unlinks it again.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { regFileBody } from './file-table.js';
import type { FileTable } from './file-table.js';
import type { FdDumper, FilesDumpState } from './files.js';

const DELETED = ' (deleted)';
/** Larger ghosts are refused, as CRIU does by default (its --ghost-limit). */
export const GHOST_LIMIT = 1 << 20;

/** The image named file in state.images, created empty the first time. */
function imageOf(state: FilesDumpState, file: string, kind: string): FilesDumpState['images'][number] {
  let img = state.images.find((i) => i.file === file);
  if (!img) state.images.push((img = { file, kind, entries: [], payloads: [] }));
  return img;
}

const timeval = (ns: bigint): Entry => ({ tv_sec: ns / 1_000_000_000n, tv_usec: (ns % 1_000_000_000n) / 1000n });

function ghostOf(openPath: string, st: fs.BigIntStats, unsupported: (what: string) => Error): { head: Entry; data: Buffer } {
  if (st.size > BigInt(GHOST_LIMIT)) throw unsupported(`an unlinked file of ${st.size} bytes (over ${GHOST_LIMIT})`);
  const data = fs.readFileSync(openPath);
  const head: Entry = {
    uid: Number(st.uid), gid: Number(st.gid), mode: Number(st.mode),
    dev: Number(st.dev), ino: st.ino,
    atim: timeval(st.atimeNs), mtim: timeval(st.mtimeNs),
    size: BigInt(data.length),
  };
  return { head, data };
}

/**
 * The id of a REG entry for the unlinked file reachable at openPath (an fd or a
 * map_files link) and shown as link, remapped to its ghost; one ghost per inode.
 */
export function ghostRegFile(files: FileTable, state: FilesDumpState, key: string, openPath: string, link: string, flags: number, pos: bigint,
  unsupported: (what: string) => Error): number {
  const st = fs.statSync(openPath, { bigint: true });
  if (!st.isFile()) throw unsupported('an unlinked file that is not a regular file');
  if (st.nlink !== 0n) throw unsupported('a file renamed or linked elsewhere after being opened');
  const name = link.slice(0, -DELETED.length);
  return files.shared(key, (id) => {
    files.add('REG', 'reg', id, regFileBody(name, flags, pos, fs.statSync(openPath)));
    const inode = `${st.dev}:${st.ino}`;
    let ghostId = state.ghosts.get(inode);
    if (ghostId === undefined) {
      ghostId = state.ghosts.size + 1;
      state.ghosts.set(inode, ghostId);
      const { head, data } = ghostOf(openPath, st, unsupported);
      const img = imageOf(state, `ghost-file-${ghostId}.img`, 'ghost-file');
      img.entries.push(head);
      img.payloads.push(data);
    }
    const remaps = imageOf(state, 'remap-fpath.img', 'remap-fpath');
    remaps.entries.push({ orig_id: id, remap_id: ghostId, remap_type: 'GHOST' });
    remaps.payloads.push(undefined);
  });
}

/** True for a /proc link naming an unlinked file (memfds read so too, but are no files of a directory). */
export const isUnlinkedPath = (link: string): boolean => link.startsWith('/') && link.endsWith(DELETED) && !link.startsWith('/memfd:');

export const ghostFile: FdDumper = {
  kind: 'REG',
  matches: (fd) => isUnlinkedPath(fd.link),
  dump: (fd, files, state) => ghostRegFile(files, state, fd.fileKey, `/proc/${fd.pid}/fd/${fd.fd}`, fd.link, fd.flags, fd.info.pos, fd.unsupported),
};
