// Test material built from the schemas: an entry for any message type with every field
// set, whole sample images for any kind, and a number normaliser for comparing JSON
// that prints integers differently (number, decimal text, 0x text). Used by the unit
// tests here and usable by other layers' tests that need images of a given kind.
import protobuf from 'protobufjs';
import { u32Bytes, type ByteOrder } from '../images/byte-order.js';
import { KINDS, entryMessage, payloadLength, type Entry } from '../images/kinds.js';
import { messageType } from '../images/schema.js';

/**
 * An entry with every field of the type set to a value derived from its field number
 * (64-bit fields above 2^53, negative signed values, two items per repeated field,
 * addresses as one IPv6 address), so a wrong number, type or byte order in a codec
 * shows up as a mismatch. Message nesting stops after two levels (cgroup dirs recurse).
 */
export function sampleEntry(type: protobuf.Type, depth = 0): Entry {
  const out: Entry = {};
  for (const f of type.fieldsArray) {
    const rt = f.resolvedType;
    if (rt instanceof protobuf.Type && depth >= 2) {
      if (f.required) out[f.name] = sampleEntry(rt, depth + 1);
      continue;
    }
    const one = (k: number): any => {
      if (rt instanceof protobuf.Type) return sampleEntry(rt, depth + 1);
      if (rt instanceof protobuf.Enum) return Object.keys(rt.values)[k % Object.keys(rt.values).length];
      switch (f.type) {
        case 'uint64': case 'fixed64': return 2n ** 63n + BigInt(f.id * 1000 + k);
        case 'int64': case 'sint64': case 'sfixed64': return -(2n ** 40n) - BigInt(f.id + k);
        case 'int32': case 'sint32': case 'sfixed32': return -(f.id + k);
        case 'bool': return (f.id + k) % 2 === 0;
        case 'string': return `${f.name}-${k}`;
        case 'bytes': return Buffer.from([f.id, k, 0, 0xff]);
        default: return 0x80000000 + f.id * 16 + k;
      }
    };
    if (f.options?.['(criu).ipadd']) out[f.name] = [0x20010db8, 0, 0, 0x01000000 + f.id];
    else out[f.name] = f.repeated ? [one(0), one(1)] : one(0);
  }
  return out;
}

/** A message queue payload: per message a u32 length, an ipc_msg, the text padded to 8. */
export function msgQueue(texts: string[], order: ByteOrder): Buffer {
  return Buffer.concat(texts.flatMap((t) => {
    const msg = Buffer.from(messageType('ipc_msg').encode({ mtype: 1, msize: t.length }).finish());
    const text = Buffer.alloc(Math.ceil(t.length / 8) * 8);
    text.write(t);
    return [u32Bytes(msg.length, order), msg, text];
  }));
}

// Payload lengths are announced by entry fields; keep them small.
function shrinkPayloadFields(kind: string, e: Entry): Entry {
  switch (kind) {
    case 'pipes-data': case 'fifo-data': return { ...e, bytes: 3 };
    case 'sk-queues': return { ...e, length: 4 };
    case 'tcp-stream': return { ...e, inq_len: 2, outq_len: 3 };
    case 'ghost-file': return 'len' in e ? { ...e, len: 6n } : { ...e, chunks: true };
    case 'ipcns-shm': return { ...e, size: 5n, in_pagemaps: false };
    case 'ipcns-sem': return { ...e, nsems: 3 };
    case 'ipcns-msg': return { ...e, qnum: 2 };
    case 'bpfmap-data': return { ...e, keys_bytes: 2, values_bytes: 3 };
    default: return e;
  }
}

function samplePayload(kind: string, entry: Entry, index: number, order: ByteOrder): Buffer | undefined {
  if (kind === 'ipcns-msg') return msgQueue(['hello', 'message queue'], order);
  const len = payloadLength(KINDS[kind]!, index, entry, Buffer.alloc(5), order);
  if (len === undefined) return undefined;
  const payload = Buffer.alloc(len, 0x41 + index);
  // padding after a shm segment or semaphore values is zeros, as CRIU writes it
  const used = kind === 'ipcns-shm' ? Number(entry['size']) : kind === 'ipcns-sem' ? 2 * entry['nsems'] : len;
  return payload.fill(0, used);
}

/** `count` sample entries of a kind (with the head type first where it has one) and their payloads. */
export function sampleImage(kind: string, order: ByteOrder, count = 3): { entries: Entry[]; payloads: (Buffer | undefined)[] } {
  const spec = KINDS[kind]!;
  const entries = Array.from({ length: count }, (_, i) =>
    shrinkPayloadFields(kind, sampleEntry(messageType(entryMessage(spec, i)))),
  );
  return { entries, payloads: entries.map((e, i) => samplePayload(kind, e, i, order)) };
}

/** Numbers, decimal strings and 0x strings all become one canonical decimal string. */
export function normaliseNumbers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normaliseNumbers);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseNumbers(x)]));
  if (typeof v === 'number' || typeof v === 'bigint') return BigInt(v).toString();
  if (typeof v === 'string' && /^(0x[0-9a-f]+|-?\d+)$/i.test(v)) return BigInt(v).toString();
  return v;
}
