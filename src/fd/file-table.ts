// The dump's files.img under construction: file ids (shared by fdinfo entries, VMAs,
// exe/cwd/root references) and their file_entry records.
import fs from 'node:fs';
import type { FdTypes, FileEntry, FownEntry, RegFileEntry } from '../images/entries.js';
import type { FileBody, FileBodyField, FileBodyOf } from '../images/index.js';
import { validationOf, type FileValidation } from './file-validation.js';

/** fown_entry of a file nobody set an owner on (the dump fills in a real owner: fown.ts). */
export const noOwner = (): FownEntry => ({ uid: 0, euid: 0, signum: 0, pid_type: 0, pid: 0 });

export class FileTable {
  private nextId = 1;
  /** files.img entries, in id order. */
  readonly entries: FileEntry[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly bodies = new Map<number, FileBody>();

  /** validation: what REG entries of files opened by path keep to check them on restore. */
  constructor(private readonly validation: FileValidation = 'buildid') {}

  /** A fresh id for a file that is its own entry. */
  allocId(): number {
    return this.nextId++;
  }

  /** Adds a file_entry of `type` whose per-kind message (given without its id) goes under `field`. */
  add<F extends FileBodyField>(type: FdTypes, field: F, id: number, body: Omit<FileBodyOf<F>, 'id'>): void {
    // Every per-kind message has an id: body and id make one whole.
    const own = { id, ...body } as FileBodyOf<F>;
    const entry: FileEntry = { type, id };
    entry[field] = own;
    this.entries.push(entry);
    this.bodies.set(id, own);
  }

  /** The per-kind message of file id, as added. */
  bodyOf(id: number): FileBody | undefined {
    return this.bodies.get(id);
  }

  /** The id already given to key, or a new one made by make(id). */
  shared(key: string, make: (id: number) => void): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.allocId();
      this.byKey.set(key, id);
      make(id);
    }
    return id;
  }

  /**
   * A reg_file_entry for a path the task refers to without an fd (exe, mapped files,
   * cwd, root), opened with `flags`; one per file and flags. statPath is where to stat
   * the very file (e.g. /proc/PID/map_files/..., which survives renames).
   */
  pathFile(name: string, flags: number, statPath = name): number {
    const st = fs.statSync(statPath);
    return this.shared(`path:${st.dev}:${st.ino}:${flags}`, (id) => this.add('REG', 'reg', id, this.pathBody(name, flags, 0n, st, statPath)));
  }

  /** reg_file_entry fields (without id) of a file restore opens by path, with what checks it is the same file (readable at readPath). */
  pathBody(name: string, flags: number, pos: bigint, st: fs.Stats, readPath: string): Omit<RegFileEntry, 'id'> {
    const { size: _size, ...body } = regFileBody(name, flags, pos, st);
    return { ...body, ...validationOf(readPath, flags, st, this.validation) };
  }
}

/** reg_file_entry fields (without id) for a file at name with stat st. */
export function regFileBody(name: string, flags: number, pos: bigint, st: fs.Stats): Omit<RegFileEntry, 'id'> {
  return {
    flags, pos, fown: noOwner(), name,
    ...(st.isFile() ? { size: BigInt(st.size) } : {}),
    mode: st.mode,
  };
}
