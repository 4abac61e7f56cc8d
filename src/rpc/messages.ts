// criu_req / criu_resp of rpc.proto as plain objects (src/images conventions: CRIU's field
// names, enums by name, absent fields absent), to and from the bytes of one packet.
import { messageFromEntry, messageToEntry } from '../images/convert.js';
import { messageType } from '../images/schema.js';

export const requestTypes = [
  'EMPTY', 'DUMP', 'RESTORE', 'CHECK', 'PRE_DUMP', 'PAGE_SERVER', 'NOTIFY', 'CPUINFO_DUMP', 'CPUINFO_CHECK',
  'FEATURE_CHECK', 'VERSION', 'WAIT_PID', 'PAGE_SERVER_CHLD', 'SINGLE_PRE_DUMP',
] as const;
/** A criu_req_type name; a number the schema does not know stays a number. */
export type RequestType = (typeof requestTypes)[number] | number;

export interface CriuFeatures {
  mem_track?: boolean;
  lazy_pages?: boolean;
  pidfd_store?: boolean;
}

/** criu_opts: the fields are many and all optional but one; src/rpc/options.ts reads them. */
export type CriuOpts = { images_dir_fd: number } & Record<string, unknown>;

export interface CriuReq {
  type: RequestType;
  opts?: CriuOpts;
  notify_success?: boolean;
  keep_open?: boolean;
  features?: CriuFeatures;
  pid?: number;
}

export interface CriuResp {
  type: RequestType;
  success: boolean;
  dump?: { restored?: boolean };
  restore?: { pid: number };
  notify?: { script?: string; pid?: number };
  ps?: { address?: string; port?: number; pid?: number; fd?: number };
  cr_errno?: number;
  features?: CriuFeatures;
  cr_errmsg?: string;
  version?: { major_number: number; minor_number: number; gitid?: string; sublevel?: number; extra?: number; name?: string };
  status?: number;
}

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
