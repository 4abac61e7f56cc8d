// criu_req / criu_resp of rpc.proto as plain objects (src/images conventions: CRIU's field
// names, enums by name, absent fields absent; typed by the generated entries.ts), to and from
// the bytes of one packet.
import { messageFromEntry, messageToEntry } from '../images/convert.js';
import { messageType } from '../images/schema.js';
import type { CriuReq, CriuReqType, CriuResp } from '../images/entries.js';

export type { CriuFeatures, CriuOpts, CriuReq, CriuResp } from '../images/entries.js';
/** A criu_req_type name; a number the schema does not know stays a number. */
export type RequestType = CriuReqType | number;

/** A packet that is no criu_req (truncated, garbage, a required field missing). */
export class BadRequest extends Error {}

export function decodeRequest(packet: Buffer): CriuReq {
  const type = messageType('criu_req');
  try {
    return messageToEntry(type, type.decode(packet)) as CriuReq;
  } catch (e) {
    throw new BadRequest(`malformed request (${packet.length} bytes): ${(e as Error).message}`);
  }
}

export function encodeRequest(req: CriuReq): Buffer {
  const type = messageType('criu_req');
  return Buffer.from(type.encode(messageFromEntry(type, { ...req })).finish());
}

export function decodeResponse(packet: Buffer): CriuResp {
  const type = messageType('criu_resp');
  return messageToEntry(type, type.decode(packet)) as CriuResp;
}

export function encodeResponse(resp: CriuResp): Buffer {
  const type = messageType('criu_resp');
  return Buffer.from(type.encode(messageFromEntry(type, { ...resp })).finish());
}
