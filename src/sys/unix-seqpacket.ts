// Typed face of the parasite channel's socket calls (synchronous, main thread).
import { addon } from './native.js';

interface SeqpacketAddon {
  seqpacketListen(name: string): number;
  pollIn(fd: number, timeoutMs: number): boolean;
  seqpacketAccept(fd: number): number;
  seqpacketSend(fd: number, data: Buffer): number;
  seqpacketRecv(fd: number, maxLen: number): Buffer;
}

const native = () => addon<SeqpacketAddon>();

/** Listens on the abstract AF_UNIX SOCK_SEQPACKET address "@name". */
export const listenSeqpacket = (name: string): number => native().seqpacketListen(name);
/** True when fd becomes readable (a connection, a packet, or hang-up) within timeoutMs. */
export const pollIn = (fd: number, timeoutMs: number): boolean => native().pollIn(fd, timeoutMs);
export const acceptSeqpacket = (fd: number): number => native().seqpacketAccept(fd);
export function sendPacket(fd: number, data: Buffer): void {
  const n = native().seqpacketSend(fd, data);
  if (n !== data.length) throw new Error(`criu-ts: sent ${n} of ${data.length} bytes`);
}
/** One packet, or an empty Buffer when the peer closed. */
export const recvPacket = (fd: number, maxLen: number): Buffer => native().seqpacketRecv(fd, maxLen);
