// The dump's files.img under construction: file ids (shared by fdinfo entries, VMAs,
// exe/cwd/root references) and their file_entry records.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';

/** fown_entry of a file nobody set an owner on (the dump fills in a real owner: fown.ts). */
export const noOwner = (): Entry => ({ uid: 0, euid: 0, signum: 0, pid_type: 0, pid: 0 });

export class FileTable {
  private nextId = 1;
  /** files.img entries, in id order. */
  readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly bodies = new Map<number, Entry>();

  /** A fresh id for a file that is its own entry. */
  allocId(): number {
    return this.nextId++;
  }

  /** Adds a file_entry of `type` whose per-kind message goes under `field` ("reg", "pipe"...). */
  add(type: string, field: string, id: number, body: Entry): void {
    const own = { id, ...body };
    this.entries.push({ type, id, [field]: own });
    this.bodies.set(id, own);
  }

  /** The per-kind message of file id, as added. */
  bodyOf(id: number): Entry | undefined {
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
    return this.shared(`path:${st.dev}:${st.ino}:${flags}`, (id) =>
      this.add('REG', 'reg', id, regFileBody(name, flags, 0n, st)));
  }
}

/** reg_file_entry fields (without id) for a file at name with stat st. */
export function regFileBody(name: string, flags: number, pos: bigint, st: fs.Stats): Entry {
  return {
    flags, pos, fown: noOwner(), name,
    ...(st.isFile() ? { size: BigInt(st.size) } : {}),
    mode: st.mode,
  };
}
