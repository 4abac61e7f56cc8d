// Typed face of process_vm_readv/writev.
import { addon } from './native.js';

interface MemoryAddon {
  processVmReadv(pid: number, buf: Buffer, offset: number, ranges: Float64Array): number;
  processVmWritev(pid: number, addr: number, data: Buffer): number;
}

const native = () => addon<MemoryAddon>();

/**
 * Reads the remote ranges ([addr, len] pairs) back to back into buf from offset.
 * Returns bytes read; fewer than asked means a range was unreadable part way.
 */
export const readRanges = (pid: number, buf: Buffer, offset: number, ranges: Float64Array): number =>
  native().processVmReadv(pid, buf, offset, ranges);

/** Reads len bytes at addr of pid into a new Buffer; throws on a short read. */
export function readMemory(pid: number, addr: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  const n = readRanges(pid, buf, 0, Float64Array.of(addr, len));
  if (n !== len) throw new Error(`criu-ts: short read of ${len} bytes at 0x${addr.toString(16)} in ${pid}: ${n}`);
  return buf;
}

/** Writes data at addr of pid; throws on a short write. */
export function writeMemory(pid: number, addr: number, data: Buffer): void {
  const n = native().processVmWritev(pid, addr, data);
  if (n !== data.length) throw new Error(`criu-ts: short write of ${data.length} bytes at 0x${addr.toString(16)} in ${pid}: ${n}`);
}
