// crit-like tools over the image API: decode an image to crit's JSON, encode such JSON
// back to an image, and a one-line-per-entry summary. The CLI exposes them as
// `criu-ts decode`, `criu-ts encode` and `criu-ts show`.
import fs from 'node:fs';
import path from 'node:path';
import type protobuf from 'protobufjs';
import { messageFromEntry, messageToEntry } from './convert.js';
import { readImage, encodeImage, type Entry, type ImageFile } from './index.js';
import { hostByteOrder, readU16, readU32, u32Bytes, writeU16, type ByteOrder } from './byte-order.js';
import { KINDS, RAW_PAGES_KIND, entryMessage, kindOfFile, kindOfMagic, type KindSpec } from './kinds.js';
import { MAGICS, type MagicName } from './magic.js';
import { parseJsonExact } from './json-text.js';
import { base64Lines, entryFromJson, entryToJson, fromBase64, type Json } from './present.js';
import { messageType } from './schema.js';

function typeAt(spec: KindSpec, index: number): protobuf.Type {
  return messageType(entryMessage(spec, index));
}

function load(file: string): ImageFile {
  return readImage(path.dirname(file), path.basename(file));
}

/** How the raw payload after an entry appears as the entry's "extra" in crit's JSON. */
interface PayloadJson {
  toJson(entry: Entry, payload: Buffer, order: ByteOrder): Json;
  fromJson(entry: Entry, extra: Json, order: ByteOrder): Buffer;
}

function text(extra: Json, what: string): string {
  if (typeof extra !== 'string') throw new TypeError(`"extra" of ${what} must be base64 text`);
  return extra;
}

function padTo(b: Buffer, to: number): Buffer {
  return Buffer.concat([b, Buffer.alloc((to - (b.length % to)) % to)]);
}

const base64Payload: PayloadJson = {
  toJson: (_e, payload) => base64Lines(payload),
  fromJson: (_e, extra) => fromBase64(text(extra, 'this image')),
};

const PAYLOAD_JSON: Record<string, PayloadJson> = {
  // two queues, printed apart
  'tcp-stream': {
    toJson: (e, p) => {
      const inq = Number(e['inq_len']);
      return { inq: base64Lines(p.subarray(0, inq)), outq: base64Lines(p.subarray(inq)) };
    },
    fromJson: (_e, x) => {
      if (!x || typeof x !== 'object' || Array.isArray(x)) throw new TypeError('"extra" of a tcp stream must be {inq, outq}');
      return Buffer.concat([fromBase64(text(x['inq'] ?? null, 'inq')), fromBase64(text(x['outq'] ?? null, 'outq'))]);
    },
  },
  // the segment without its padding
  'ipcns-shm': {
    toJson: (e, p) => base64Lines(p.subarray(0, Number(e['size']))),
    fromJson: (_e, x) => padTo(fromBase64(text(x, 'a shm segment')), 4),
  },
  // semaphore values as numbers
  'ipcns-sem': {
    toJson: (e, p, order) => Array.from({ length: Number(e['nsems']) }, (_, i) => readU16(p, 2 * i, order)),
    fromJson: (_e, x, order) => {
      if (!Array.isArray(x)) throw new TypeError('"extra" of a semaphore set must be an array of numbers');
      const b = Buffer.alloc(2 * x.length);
      x.forEach((v, i) => writeU16(b, Number(v), 2 * i, order));
      return padTo(b, 8);
    },
  },
  // [message header, base64 text] pairs
  'ipcns-msg': {
    toJson: (e, p, order) => {
      const type = messageType('ipc_msg');
      const out: Json[] = [];
      let at = 0;
      for (let i = 0; i < Number(e['qnum']); i++) {
        const len = readU32(p, at, order);
        const msg = messageToEntry(type, type.decode(p.subarray(at + 4, at + 4 + len)));
        at += 4 + len;
        out.push(entryToJson(type, msg, false), base64Lines(p.subarray(at, at + msg['msize'])));
        at += Math.ceil(msg['msize'] / 8) * 8;
      }
      return out;
    },
    fromJson: (_e, x, order) => {
      if (!Array.isArray(x) || x.length % 2) throw new TypeError('"extra" of a message queue must be [header, text, ...] pairs');
      const type = messageType('ipc_msg');
      const parts: Buffer[] = [];
      for (let i = 0; i < x.length; i += 2) {
        const head = x[i];
        if (!head || typeof head !== 'object' || Array.isArray(head)) throw new TypeError('message header must be an object');
        const msg = entryFromJson(type, head);
        const body = Buffer.from(type.encode(messageFromEntry(type, msg)).finish());
        parts.push(u32Bytes(body.length, order), body, padTo(fromBase64(text(x[i + 1]!, 'a message')).subarray(0, Number(msg['msize'])), 8));
      }
      return Buffer.concat(parts);
    },
  },
};

function toJsonObject(img: ImageFile, pretty: boolean): { magic: string; entries: Json[] } {
  const spec = KINDS[img.kind]!;
  const entries = img.entries.map((entry, i) => {
    const obj: { [k: string]: Json } = entryToJson(typeAt(spec, i), entry, pretty);
    const payload = img.payloads[i];
    if (payload) obj['extra'] = (PAYLOAD_JSON[img.kind] ?? base64Payload).toJson(entry, payload, hostByteOrder());
    return obj;
  });
  return { magic: spec.magic, entries };
}

/** The image as crit's JSON: {"magic": "CORE", "entries": [...]}; pretty adds crit's presentation and indentation. */
export function decodeToJson(file: string, pretty: boolean): string {
  const obj = toJsonObject(load(file), pretty);
  return pretty ? JSON.stringify(obj, null, 4) + '\n' : JSON.stringify(obj) + '\n';
}

/** The image bytes for crit-style JSON (ours or crit's, pretty or not). */
export function encodeFromJson(json: string): Buffer {
  const doc = parseJsonExact(json);
  if (!doc || typeof doc !== 'object' || typeof doc.magic !== 'string' || !Array.isArray(doc.entries)) {
    throw new TypeError('expected JSON of the form {"magic": "NAME", "entries": [...]}');
  }
  const kind = doc.magic in MAGICS ? kindOfMagic(doc.magic as MagicName) : undefined;
  if (!kind) throw new TypeError(`unknown or unsupported image magic "${doc.magic}"`);
  const spec = KINDS[kind]!;
  const entries: Entry[] = [];
  const payloads: (Buffer | undefined)[] = [];
  doc.entries.forEach((obj: { [k: string]: Json }, i: number) => {
    const { extra, ...fields } = obj;
    const entry = entryFromJson(typeAt(spec, i), fields);
    entries.push(entry);
    payloads.push(extra === undefined ? undefined : (PAYLOAD_JSON[kind] ?? base64Payload).fromJson(entry, extra, hostByteOrder()));
  });
  return encodeImage(kind, entries, payloads);
}

const SHOW_WIDTH = 200;

function brief(v: Json, depth: number): string {
  if (Array.isArray(v)) {
    if (v.length <= 4 && v.every((x) => typeof x !== 'object')) return `[${v.map((x) => brief(x, depth)).join(',')}]`;
    return `[${v.length} items]`;
  }
  if (v && typeof v === 'object') {
    if (depth >= 1) return '{…}';
    return `{${Object.entries(v).map(([k, x]) => `${k}=${brief(x, depth + 1)}`).join(' ')}}`;
  }
  if (typeof v === 'string') {
    // bare when unambiguous: names, numbers, paths, "A | B" flags (as A|B)
    const bare = v.replace(/ \| /g, '|');
    return /^[\w.:/|+-]+$/.test(bare) ? bare : JSON.stringify(v);
  }
  return String(v);
}

/** A readable summary: a header line, then one line per entry. */
export function show(file: string): string {
  if (kindOfFile(file) === RAW_PAGES_KIND) {
    const size = fs.statSync(file).size;
    return `${path.basename(file)}: raw page data, ${size} bytes\n`;
  }
  const img = load(file);
  const spec = KINDS[img.kind]!;
  const lines = [`${path.basename(file)}: ${spec.magic} (${img.kind}), ${img.entries.length} entries`];
  img.entries.forEach((entry, i) => {
    const obj = entryToJson(typeAt(spec, i), entry, true);
    const fields = Object.entries(obj).map(([k, v]) => `${k}=${brief(v, 0)}`);
    let line = `  #${i} ` + (fields.length ? fields.join(' ') : '{}');
    const payload = img.payloads[i];
    if (payload) line += ` +${payload.length} bytes`;
    lines.push(line.length > SHOW_WIDTH ? line.slice(0, SHOW_WIDTH - 1) + '…' : line);
  });
  return lines.join('\n') + '\n';
}
