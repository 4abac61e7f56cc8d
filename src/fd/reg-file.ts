// Regular files, directories and character devices such as /dev/null opened by path:
// dumped as REG with their path, open flags and offset, reopened by path with those flags
// at that offset. A file unlinked while open is a REG too, remapped to a ghost (ghost-file.ts).
import fs from 'node:fs';
import type { RegFileEntry } from '../images/entries.js';
import { lseek } from '../sys/restore.js';
import { __O_TMPFILE, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC } from '../sys/fcntl.js';
import { fileEntry } from '../restore/task-images.js';
import { usablePath } from '../restore/beneath.js';
import { validateOpened } from './file-validation.js';
import { checkGhost, GhostFiles, ghostInode, ghostNumber, isUnlinkedPath, linkedPath, tmpfileOf } from './ghost-file.js';
import type { FdKind, OpenContext } from './kind.js';

// Flags open(2) takes only at creation; the kernel drops them from f_flags anyway.
const CREATION_FLAGS = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC;

/** Opens the file a reg_file_entry names, with its flags, at its position. */
export function openReg(ctx: OpenContext, reg: Pick<RegFileEntry, 'name' | 'flags' | 'pos'>): number {
  const fd = fs.openSync(usablePath(reg.name), reg.flags & ~CREATION_FLAGS);
  ctx.opened.push(fd);
  const pos = reg.pos;
  if (pos !== 0n) lseek(fd, pos);
  return fd;
}

/** Opens REG file fileId by its path with `flags` (at offset 0), refused if it is not the file that was dumped. */
export function openPathFile(ctx: OpenContext, fileId: number, flags: number): number {
  const reg = fileEntry(ctx.tree, fileId, 'REG').reg;
  const fd = openReg(ctx, { name: linkedPath(ctx.tree, fileId) ?? reg.name, flags, pos: 0n });
  validateOpened(fd, reg, ctx.options);
  return fd;
}

/** File fileId, a deleted file, opened on the recreated inode of its ghost (its entry changed by `change`). */
function openGhost(ctx: OpenContext, fileId: number, ghost: number, change: Partial<RegFileEntry>): number {
  const reg = fileEntry(ctx.tree, fileId, 'REG').reg;
  const inode = ghostInode(ctx, ghost, reg.name, tmpfileOf(reg.flags));
  // An O_TMPFILE file's flags keep O_TMPFILE (with O_DIRECTORY), which no reopen may ask for.
  const flags = (change.flags ?? reg.flags) & ~(reg.flags & __O_TMPFILE ? __O_TMPFILE | fs.constants.O_DIRECTORY : 0);
  return openReg(ctx, { ...reg, ...change, flags, name: `/proc/self/fd/${inode}` });
}

export const regFile: FdKind<GhostFiles> = {
  type: 'REG',
  newState: (options) => new GhostFiles(options),
  dump: {
    matches: (fd) => fd.link.startsWith('/'),
    dump(fd, { files, state }) {
      if (isUnlinkedPath(fd.link)) return state.regFile(files, fd.fileKey, `/proc/${fd.pid}/fd/${fd.fd}`, fd.link, fd.flags, fd.info.pos, fd.unsupported);
      if (fd.link.endsWith(' (deleted)')) throw fd.unsupported('an unlinked file');
      const st = fd.stat();
      if (st.isSocket()) throw fd.unsupported('a socket file');
      return files.shared(fd.fileKey, (id) => files.add('REG', 'reg', id, files.pathBody(fd.link, fd.flags, fd.info.pos, st, `/proc/${fd.pid}/fd/${fd.fd}`)));
    },
  },
  restore: {
    check(tree, fileId) {
      const ghost = ghostNumber(tree, fileId);
      if (ghost !== undefined) return checkGhost(tree, fileId, ghost);
      const name = usablePath(linkedPath(tree, fileId) ?? fileEntry(tree, fileId, 'REG').reg.name);
      if (name.endsWith(' (deleted)')) throw new Error(`criu-ts: cannot restore the deleted file ${name} yet`);
      // The name itself, not what it points to: an O_PATH fd of a dangling symlink is the link.
      if (!fs.lstatSync(name, { throwIfNoEntry: false })) throw new Error(`criu-ts: file ${name} (id ${fileId}) is missing`);
    },
    open(ctx, fileId) {
      const ghost = ghostNumber(ctx.tree, fileId);
      if (ghost !== undefined) return openGhost(ctx, fileId, ghost, {});
      const reg = fileEntry(ctx.tree, fileId, 'REG').reg;
      const fd = openReg(ctx, { ...reg, name: linkedPath(ctx.tree, fileId) ?? reg.name });
      validateOpened(fd, reg, ctx.options);
      return fd;
    },
    reopen: (ctx, fileId, flags) => openGhost(ctx, fileId, ghostNumber(ctx.tree, fileId)!, { flags, pos: 0n }),
  },
};
