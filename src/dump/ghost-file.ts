// Files unlinked while open ("/path (deleted)"): a REG entry under the old path, remapped
// (remap-fpath.img, GHOST) to ghost-file-<n>.img, which holds the inode's owner, mode,
// times and whole contents. Restore recreates the file, opens it and unlinks it again.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { regFileBody } from './file-table.js';
import type { FdDumper, FilesDumpState, OpenFd } from './files.js';

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

function ghostOf(fd: OpenFd, st: fs.BigIntStats): { head: Entry; data: Buffer } {
  if (st.size > BigInt(GHOST_LIMIT)) throw fd.unsupported(`an unlinked file of ${st.size} bytes (over ${GHOST_LIMIT})`);
  const data = fs.readFileSync(`/proc/${fd.pid}/fd/${fd.fd}`);
  const head: Entry = {
    uid: Number(st.uid), gid: Number(st.gid), mode: Number(st.mode),
    dev: Number(st.dev), ino: st.ino,
    atim: timeval(st.atimeNs), mtim: timeval(st.mtimeNs),
    size: BigInt(data.length),
  };
  return { head, data };
}

export const ghostFile: FdDumper = {
  kind: 'REG',
  // memfds read "/memfd:name (deleted)" too, but are no files of a directory.
  matches: (fd) => fd.link.startsWith('/') && fd.link.endsWith(DELETED) && !fd.link.startsWith('/memfd:'),
  dump(fd, files, state) {
    const st = fs.statSync(`/proc/${fd.pid}/fd/${fd.fd}`, { bigint: true });
    if (!st.isFile()) throw fd.unsupported('an unlinked file that is not a regular file');
    if (st.nlink !== 0n) throw fd.unsupported('a file renamed or linked elsewhere after being opened');
    const name = fd.link.slice(0, -DELETED.length);
    return files.shared(fd.fileKey, (id) => {
      files.add('REG', 'reg', id, regFileBody(name, fd.flags, fd.info.pos, fs.statSync(`/proc/${fd.pid}/fd/${fd.fd}`)));
      // One ghost per inode, whatever the number of open files on it.
      const key = `${st.dev}:${st.ino}`;
      let ghostId = state.ghosts.get(key);
      if (ghostId === undefined) {
        ghostId = state.ghosts.size + 1;
        state.ghosts.set(key, ghostId);
        const { head, data } = ghostOf(fd, st);
        const img = imageOf(state, `ghost-file-${ghostId}.img`, 'ghost-file');
        img.entries.push(head);
        img.payloads.push(data);
      }
      const remaps = imageOf(state, 'remap-fpath.img', 'remap-fpath');
      remaps.entries.push({ orig_id: id, remap_id: ghostId, remap_type: 'GHOST' });
      remaps.payloads.push(undefined);
    });
  },
};
