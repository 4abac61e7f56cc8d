// Is the file a restore opens by path the one the tree had open? As CRIU checks (its
// --file-validation): the dump keeps a regular file's size and mode, and with "buildid" (the
// default) an ELF file's GNU build-id; restore compares them with the file it opened and refuses
// a file that changed rather than give the program other contents than it had. A file open
// write-only for appending (a log) keeps no size: it is expected to grow.
import fs from 'node:fs';
import type { RegFileEntry } from '../images/entries.js';
import { O_ACCMODE, O_APPEND, O_WRONLY } from '../sys/fcntl.js';
import { readU32, writeU32 } from '../sys/host-order.js';

export const FILE_VALIDATION_METHODS = ['filesize', 'buildid'] as const;
export type FileValidation = (typeof FILE_VALIDATION_METHODS)[number];

/** The build-id note is looked for in the first MiB of a file, as CRIU does. */
const SCANNED_BYTES = 1 << 20;
const PT_NOTE = 4;
const NT_GNU_BUILD_ID = 3;
const MAX_BUILD_ID = 512;

/** The GNU build-id of the ELF file on fd (from its PT_NOTE segments), or undefined. */
export function elfBuildId(fd: number): Buffer | undefined {
  const size = Math.min(SCANNED_BYTES, fs.fstatSync(fd).size);
  const read = (off: number, len: number): Buffer => {
    const out = Buffer.alloc(Math.max(0, Math.min(len, size - off)));
    const n = out.length ? fs.readSync(fd, out, 0, out.length, off) : 0;
    return out.subarray(0, n);
  };
  const h = read(0, 64);
  if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46 || (h[4] !== 1 && h[4] !== 2)) return undefined;
  const is64 = h[4] === 2;
  const le = h[5] === 1;
  if (is64 && h.length < 64) return undefined;
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const word = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
  const phentsize = u16(h, is64 ? 54 : 42);
  const phnum = u16(h, is64 ? 56 : 44);
  if (phentsize < (is64 ? 56 : 32)) return undefined;
  const phdrs = read(word(h, is64 ? 32 : 28), phnum * phentsize);
  for (let ph = 0; ph + phentsize <= phdrs.length; ph += phentsize) {
    if (u32(phdrs, ph) !== PT_NOTE) continue;
    const notes = read(word(phdrs, ph + (is64 ? 8 : 4)), word(phdrs, ph + (is64 ? 32 : 16)));
    for (let note = 0; note + 12 <= notes.length; ) {
      const namesz = u32(notes, note);
      const descsz = u32(notes, note + 4);
      const desc = note + 12 + align4(namesz);
      if (u32(notes, note + 8) === NT_GNU_BUILD_ID) {
        if (descsz === 0 || descsz > MAX_BUILD_ID || desc + descsz > notes.length) return undefined;
        return Buffer.from(notes.subarray(desc, desc + descsz));
      }
      note = desc + align4(descsz);
    }
  }
  return undefined;
}

const align4 = (n: number) => (n + 3) & ~3;

/** build_id as the image keeps it (as CRIU does): the bytes, zero-padded, as host-order 32-bit words. */
function buildIdWords(id: Buffer): number[] {
  const padded = Buffer.alloc(align4(id.length));
  id.copy(padded);
  const words: number[] = [];
  for (let o = 0; o < padded.length; o += 4) words.push(readU32(padded, o));
  return words;
}

const fromWords = (words: number[]): Buffer => {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => writeU32(b, w >>> 0, 4 * i));
  return b;
};

/** What the dump keeps to validate a regular file (readable at `readPath`) opened with `flags`. */
export function validationOf(readPath: string, flags: number, st: fs.Stats, method: FileValidation): Pick<RegFileEntry, 'size' | 'build_id'> {
  if (!st.isFile() || ((flags & O_ACCMODE) === O_WRONLY && flags & O_APPEND)) return {};
  const out: Pick<RegFileEntry, 'size' | 'build_id'> = { size: BigInt(st.size) };
  if (method === 'buildid') {
    let fd: number | undefined;
    try {
      fd = fs.openSync(readPath, 'r');
      const id = elfBuildId(fd);
      if (id) out.build_id = buildIdWords(id);
    } catch {
      // Unreadable here: the size (and mode) still validate it.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  return out;
}

export interface FileValidationOptions {
  /** "filesize" skips the build-id check (default "buildid"). */
  fileValidation?: FileValidation;
  /** --skip-file-rwx-check: the permission bits may differ. */
  skipFileRwxCheck?: boolean;
}

/** Refuses fd, opened for `reg`, if it is not the file the dump saw. */
export function validateOpened(fd: number, reg: Pick<RegFileEntry, 'name' | 'size' | 'mode' | 'build_id'>, options: FileValidationOptions): void {
  const st = fs.fstatSync(fd);
  const bad = (what: string) => new Error(`criu-ts: file ${reg.name} ${what}: it is not the file that was dumped`);
  if (reg.size !== undefined && st.isFile() && BigInt(st.size) !== reg.size) throw bad(`has size ${st.size}, not ${reg.size}`);
  if (reg.mode !== undefined) {
    const ignored = options.skipFileRwxCheck ? 0o777 : 0;
    if ((st.mode & ~ignored) !== (reg.mode & ~ignored)) {
      throw bad(`has mode 0${st.mode.toString(8)}, not 0${reg.mode.toString(8)}${options.skipFileRwxCheck ? '' : ' (--skip-file-rwx-check allows other permission bits)'}`);
    }
  }
  if (reg.build_id?.length && (options.fileValidation ?? 'buildid') === 'buildid' && st.isFile()) {
    const want = fromWords(reg.build_id);
    const got = elfBuildId(fd);
    if (!got) throw bad('has no build-id');
    if (!fromWords(buildIdWords(got)).equals(want)) throw bad(`has build-id ${got.toString('hex')}, not ${want.toString('hex')}`);
  }
}
