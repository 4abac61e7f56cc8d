// crit-like tools over the image API: decode an image to crit's JSON, encode such JSON
// back to an image, and a one-line-per-entry summary. The CLI exposes them as
// `criu-ts decode`, `criu-ts encode` and `criu-ts show`.
import path from 'node:path';
import type protobuf from 'protobufjs';
import { readImage, encodeImage, type Entry, type ImageFile } from './index.js';
import { KINDS, kindOfMagic, type KindSpec } from './kinds.js';
import { MAGICS, type MagicName } from './magic.js';
import { parseJsonExact } from './json-text.js';
import { base64Lines, entryFromJson, entryToJson, fromBase64, type Json } from './present.js';
import { messageType } from './schema.js';

function typeAt(spec: KindSpec, index: number): protobuf.Type {
  return messageType(index === 0 && spec.first ? spec.first : spec.message);
}

function load(file: string): ImageFile {
  return readImage(path.dirname(file), path.basename(file));
}

// A tcp-stream payload is two queues, printed apart as crit does.
function payloadToJson(kind: string, entry: Entry, payload: Buffer): Json {
  if (kind !== 'tcp-stream') return base64Lines(payload);
  const inq = Number(entry['inq_len']);
  return { inq: base64Lines(payload.subarray(0, inq)), outq: base64Lines(payload.subarray(inq)) };
}

function payloadFromJson(extra: Json): Buffer {
  if (typeof extra === 'string') return fromBase64(extra);
  if (extra && typeof extra === 'object' && !Array.isArray(extra) && typeof extra['inq'] === 'string' && typeof extra['outq'] === 'string') {
    return Buffer.concat([fromBase64(extra['inq']), fromBase64(extra['outq'])]);
  }
  throw new TypeError('"extra" must be base64 text (or {inq, outq} for a tcp stream)');
}

function toJsonObject(img: ImageFile, pretty: boolean): { magic: string; entries: Json[] } {
  const spec = KINDS[img.kind]!;
  const entries = img.entries.map((entry, i) => {
    const obj: { [k: string]: Json } = entryToJson(typeAt(spec, i), entry, pretty);
    const payload = img.payloads[i];
    if (payload) obj['extra'] = payloadToJson(img.kind, entry, payload);
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
    entries.push(entryFromJson(typeAt(spec, i), fields));
    payloads.push(extra === undefined ? undefined : payloadFromJson(extra));
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
  if (typeof v === 'string') return /^[\w.:/|x -]+$/.test(v) && !v.includes('  ') ? v.replace(/ \| /g, '|') : JSON.stringify(v);
  return String(v);
}

/** A readable summary: a header line, then one line per entry. */
export function show(file: string): string {
  const img = load(file);
  const spec = KINDS[img.kind]!;
  const lines = [`${path.basename(file)}: ${spec.magic} (${img.kind}), ${img.entries.length} entries`];
  img.entries.forEach((entry, i) => {
    const obj = entryToJson(typeAt(spec, i), entry, true);
    let line = `  #${i} ` + Object.entries(obj).map(([k, v]) => `${k}=${brief(v, 0)}`).join(' ');
    const payload = img.payloads[i];
    if (payload) line += ` +${payload.length} bytes`;
    lines.push(line.length > SHOW_WIDTH ? line.slice(0, SHOW_WIDTH - 1) + '…' : line);
  });
  return lines.join('\n') + '\n';
}
