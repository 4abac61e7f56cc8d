// Structure-aware mutations of an image set (file name -> bytes): each case picks one file and
// one way to damage it that knows the format (entries, fields, magics, the tree), so damage
// reaches the checks behind the decoder, not only the decoder's framing.
import { decodeImage, encodeImage, type Entry, type ImageFile, type ImageOf } from '../../src/images/index.js';
import { KINDS, kindOfFile } from '../../src/images/kinds.js';
import { MAGICS } from '../../src/images/magic.js';
import { CHECKSUMS_FILE } from '../../src/images/checksums.js';
import { hostByteOrder, u32Bytes } from '../../src/images/byte-order.js';

export type ImageSet = Map<string, Buffer>;

/** xorshift32: cases reproduce from their number. */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = (seed ^ 0x9e3779b9) >>> 0 || 1;
    for (let i = 0; i < 4; i++) this.next();
  }
  next(): number {
    this.x ^= this.x << 13;
    this.x >>>= 0;
    this.x ^= this.x >>> 17;
    this.x ^= this.x << 5;
    this.x >>>= 0;
    return this.x / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** Values that break assumptions: zero, ones, sign bits, past 2^53, lengths past any file. */
const EXTREMES: readonly bigint[] = [0n, 1n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 64n - 1n, 4096n, 4097n, 0x7fff_ffff_f000n];
const STRINGS: readonly string[] = ['', '/', '../../../../etc/passwd', '/proc/self/mem', 'x'.repeat(5000), '/tmp/criu-ts-fuzz-nowhere/a', 'a\nb', '\u0000abstract'];

/** The path of every leaf of an entry: [key, key, index, ...]. */
function leaves(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) {
    out.push(at); // the array itself: emptied, grown or shuffled
    v.forEach((x, i) => leaves(x, [...at, i], out));
  } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, [...at, k], out);
  } else out.push(at);
  return out;
}

function mutateValue(rng: Rng, v: unknown): unknown {
  if (Array.isArray(v)) {
    switch (rng.int(4)) {
      case 0: return [];
      case 1: return [...v, ...v, ...v];
      case 2: return v.slice(0, Math.max(0, v.length - 1));
      default: return [...v].reverse();
    }
  }
  if (typeof v === 'bigint') return rng.next() < 0.8 ? rng.pick(EXTREMES) : v + BigInt(rng.int(3) - 1);
  if (typeof v === 'number') {
    const e = rng.pick(EXTREMES);
    return rng.next() < 0.7 ? Number(e & 0xffff_ffffn) : v + rng.int(3) - 1;
  }
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return rng.pick(STRINGS);
  if (Buffer.isBuffer(v)) return rng.next() < 0.5 ? v.subarray(0, rng.int(v.length + 1)) : Buffer.concat([v, Buffer.alloc(rng.int(300), 0x41)]);
  return v;
}

/** A message or array of an entry, as leaves() walks it. */
type Node = Record<string | number, unknown>;

function setAt(e: Entry, at: (string | number)[], value: unknown): void {
  let o: Node = e;
  for (const k of at.slice(0, -1)) o = o[k] as Node;
  o[at[at.length - 1]!] = value;
}

function getAt(e: Entry, at: (string | number)[]): unknown {
  let o: unknown = e;
  for (const k of at) o = (o as Node | undefined)?.[k];
  return o;
}

const u32 = (b: Buffer, at: number, v: number): void => b.set(u32Bytes(v >>> 0, hostByteOrder()), at);

/** Re-encodes a decoded file; undefined when the encoder refuses what the mutation made. */
function reencode(kind: string, entries: Entry[], payloads: (Buffer | undefined)[]): Buffer | undefined {
  try {
    return encodeImage(kind, entries, payloads);
  } catch {
    return undefined;
  }
}

export interface Mutation {
  /** What was done, for the report of a failing case. */
  what: string;
  set: ImageSet;
}

type Mutator = (rng: Rng, set: ImageSet, file: string, buf: Buffer) => string | undefined;

const mutators: Record<string, Mutator> = {
  truncate(rng, set, file, buf) {
    const at = rng.int(buf.length);
    set.set(file, buf.subarray(0, at));
    return `truncated at ${at}`;
  },
  flip(rng, set, file, buf) {
    if (buf.length === 0) return undefined;
    const b = Buffer.from(buf);
    const n = 1 + rng.int(4);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = rng.int(b.length);
      b[o] = rng.int(256);
      at.push(o);
    }
    set.set(file, b);
    return `bytes at ${at.join(',')} changed`;
  },
  magic(rng, set, file, buf) {
    if (buf.length < 8) return undefined;
    const b = Buffer.from(buf);
    const at = rng.int(2) * 4;
    const v = rng.next() < 0.7 ? rng.pick(Object.values(MAGICS)) : rng.int(2 ** 32);
    u32(b, at, v);
    set.set(file, b);
    return `magic at ${at} set to 0x${v.toString(16)}`;
  },
  length(rng, set, file, buf) {
    const img = tryDecode(file, buf);
    if (!img || img.offsets.length === 0) return undefined;
    const b = Buffer.from(buf);
    const i = rng.int(img.offsets.length);
    const v = Number(rng.pick(EXTREMES) & 0xffff_ffffn);
    u32(b, img.offsets[i]!, v);
    set.set(file, b);
    return `entry ${i} length set to ${v}`;
  },
  field(rng, set, file, buf) {
    const img = tryDecode(file, buf);
    if (!img || img.entries.length === 0) return undefined;
    const i = rng.int(img.entries.length);
    const entry = structuredClone(img.entries[i]!);
    const all = leaves(entry).filter((l) => l.length > 0);
    if (all.length === 0) return undefined;
    const at = rng.pick(all);
    setAt(entry, at, mutateValue(rng, getAt(entry, at)));
    const entries = [...img.entries];
    entries[i] = entry;
    const out = reencode(img.kind, entries, img.payloads);
    if (!out) return undefined;
    set.set(file, out);
    return `entry ${i} field ${at.join('.')} changed`;
  },
  splice(rng, set, file, buf) {
    const img = tryDecode(file, buf);
    if (!img || img.entries.length === 0) return undefined;
    const entries = [...img.entries];
    const payloads = [...img.payloads];
    const i = rng.int(entries.length);
    const j = rng.int(entries.length);
    const how = rng.int(3);
    if (how === 0) {
      entries.splice(i, 1);
      payloads.splice(i, 1);
    } else if (how === 1) {
      entries.splice(j, 0, entries[i]!);
      payloads.splice(j, 0, payloads[i]);
    } else {
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      [payloads[i], payloads[j]] = [payloads[j], payloads[i]];
    }
    const out = reencode(img.kind, entries, payloads);
    if (!out) return undefined;
    set.set(file, out);
    return `entries ${['dropped', 'duplicated', 'swapped'][how]} (${i}, ${j})`;
  },
  tree(rng, set) {
    const buf = set.get('pstree.img');
    const img = buf && tryDecodePstree(buf);
    if (!img || img.entries.length === 0) return undefined;
    const entries = img.entries.map((e) => structuredClone(e));
    const pids = entries.map((e) => e.pid);
    const a = rng.int(entries.length);
    const b = rng.int(entries.length);
    let what: string;
    switch (rng.int(5)) {
      case 0: // a cycle: the root's parent is one of its descendants, or a task its own parent
        entries[a]!.ppid = pids[b];
        if (a !== b) entries[b]!.ppid = pids[a];
        what = `ppid cycle ${pids[a]} <-> ${pids[b]}`;
        break;
      case 1:
        entries[a]!.pid = pids[b];
        what = `pid ${pids[a]} duplicated as ${pids[b]}`;
        break;
      case 2:
        entries[a]!.threads = [...(entries[a]!.threads ?? []), pids[b]];
        what = `task ${pids[b]} also a thread of ${pids[a]}`;
        break;
      case 3:
        entries[a]!.pgid = pids[b];
        entries[a]!.sid = rng.next() < 0.5 ? pids[b] : 0;
        what = `task ${pids[a]} moved to group/session of ${pids[b]}`;
        break;
      default:
        entries[a]!.pid = rng.pick([0, 1, -1, 2 ** 22 + 1, 2 ** 31 - 1]);
        what = `pid ${pids[a]} set to ${entries[a]!.pid}`;
    }
    const out = reencode('pstree', entries, img.payloads);
    if (!out) return undefined;
    set.set('pstree.img', out);
    return what;
  },
  remove(_rng, set, file) {
    set.delete(file);
    return 'removed';
  },
  swap(rng, set, file, buf) {
    const kind = kindOfFile(file);
    const others = [...set.keys()].filter((f) => f !== file && kindOfFile(f) === kind);
    if (others.length === 0) return undefined;
    const other = rng.pick(others);
    set.set(file, set.get(other)!);
    set.set(other, buf);
    return `swapped with ${other}`;
  },
};

function tryDecode(file: string, buf: Buffer): ImageFile | undefined {
  if (!(kindOfFile(file) in KINDS)) return undefined;
  try {
    return decodeImage(buf, file);
  } catch {
    return undefined;
  }
}

function tryDecodePstree(buf: Buffer): ImageOf<'pstree'> | undefined {
  try {
    return decodeImage(buf, 'pstree.img', 'pstree');
  } catch {
    return undefined;
  }
}

const NAMES = Object.keys(mutators);

/**
 * One case: a copy of the set with one to three mutations. Most cases drop checksums.img so the
 * damage reaches the decoders and planners as CRIU's unsealed images would; the rest keep it
 * (now stale), which the verification must refuse.
 */
export function mutate(seed: ImageSet, caseNo: number): Mutation {
  const rng = new Rng(caseNo);
  const set: ImageSet = new Map(seed);
  const keepChecksums = rng.next() < 0.1;
  if (!keepChecksums) set.delete(CHECKSUMS_FILE);
  const whats: string[] = [];
  for (let n = 1 + (rng.next() < 0.3 ? rng.int(3) : 0), tries = 0; whats.length < n && tries < 20; tries++) {
    const files = [...set.keys()].filter((f) => f !== CHECKSUMS_FILE);
    const file = rng.pick(files);
    const how = rng.pick(NAMES);
    const what = mutators[how]!(rng, set, file, set.get(file)!);
    if (what) whats.push(`${file}: ${how}: ${what}`);
  }
  return { what: `${keepChecksums ? '(checksums kept) ' : ''}${whats.join('; ')}`, set };
}
