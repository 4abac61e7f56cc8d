// Regular files (and directories, device nodes): reopened by path with the dumped
// status flags, at the dumped position.
import fs from 'node:fs';
import { lseek } from '../../sys/restore.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

// Flags open(2) takes only at creation; the kernel drops them from f_flags anyway.
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_NOCTTY = 0o400;
const O_TRUNC = 0o1000;

export const regularFile: FdKind = {
  type: 'REG',
  check(tree, fileId) {
    const reg = fileEntry(tree, fileId, 'REG')['reg'];
    const name: string = reg['name'];
    if (name.endsWith(' (deleted)')) throw new Error(`criu-ts: cannot restore the deleted file ${name} yet`);
    if (!fs.existsSync(name)) throw new Error(`criu-ts: file ${name} (id ${fileId}) is missing`);
  },
  open(ctx, fileId) {
    const reg = fileEntry(ctx.tree, fileId, 'REG')['reg'];
    const fd = fs.openSync(reg['name'], Number(reg['flags']) & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
    ctx.opened.push(fd);
    const pos = BigInt(reg['pos'] ?? 0);
    if (pos !== 0n) lseek(fd, pos);
    return fd;
  },
};
