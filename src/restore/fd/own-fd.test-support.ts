// Round trips of one fd of this very process: dumped by a dumper (as if we were the
// target) into a file table, then reopened by a restore kind from that table.
import fs from 'node:fs';
import { FileTable } from '../../dump/file-table.js';
import type { FdDumper, FilesDumpState, OpenFd } from '../../dump/files.js';
import { parseFdInfo } from '../../proc/fdinfo.js';
import type { TreeImages } from '../task-images.js';
import type { OpenContext } from './kinds.js';

const O_CLOEXEC = 0o2000000;

export function ownFd(fd: number): OpenFd {
  const link = fs.readlinkSync(`/proc/self/fd/${fd}`);
  const info = parseFdInfo(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  return {
    pid: process.pid, fd, link, info, flags: info.flags & ~O_CLOEXEC,
    stat: () => fs.statSync(`/proc/self/fd/${fd}`),
    fileKey: `own:${fd}`,
    unsupported: (what) => new Error(`unsupported: ${what}`),
  };
}

/** A FilesDumpState as FilesDumper starts one (the fields these dumpers use). */
export function newDumpState(): FilesDumpState {
  return { shellJob: false, pipesSeen: new Set(), pipeData: [], fifosSeen: new Set(), fifoData: [], ttyInfos: [], ghosts: new Map(), images: [] } as unknown as FilesDumpState;
}

export interface RoundTrip {
  files: FileTable;
  state: FilesDumpState;
  ctx: OpenContext;
  /** The file id the dumper gave fd. */
  id: number;
}

/** Dumps fd with dumper; ctx's tree holds the resulting files.img entries (dir for extra images). */
export function dumpOwn(dumper: FdDumper, fd: number, dir = '/nonexistent'): RoundTrip {
  const files = new FileTable();
  const state = newDumpState();
  const id = dumper.dump(ownFd(fd), files, state);
  const tree = { dir, files: new Map(files.entries.map((e) => [e['id'], e])) } as unknown as TreeImages;
  return { files, state, id, ctx: { tree, opened: [], state: new Map() } };
}

export function closeAll(ctx: OpenContext): void {
  for (const fd of ctx.opened.splice(0)) fs.closeSync(fd);
}

/** fdinfo of one of our fds. */
export const fdinfo = (fd: number): string => fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
