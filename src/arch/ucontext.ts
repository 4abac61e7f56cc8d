// The first 40 bytes of Linux's struct ucontext, laid out alike on every 64-bit arch we
// support: uc_flags, uc_link, then uc_stack (stack_t: ss_sp, ss_flags, ss_size). Where the
// signal mask and the mcontext go after it differs, so each arch's sigframe.ts writes those.
import { byteOrder } from '../sys/host-order.js';
import { SS_DISABLE } from '../sys/signal.js';
import type { SigframeInput } from './descriptor.js';

/** Writes uc_flags, a null uc_link and uc_stack (the sigaltstack, or disabled) at `uc`. */
export function writeUcontextHead(buf: Buffer, uc: number, flags: bigint, altstack: SigframeInput['altstack'], littleEndian: boolean): void {
  const o = byteOrder(littleEndian);
  o.writeU64(buf, flags, uc);
  o.writeU64(buf, 0n, uc + 8);
  o.writeU64(buf, altstack?.sp ?? 0n, uc + 16);
  o.writeI32(buf, altstack ? altstack.flags : SS_DISABLE, uc + 24);
  o.writeU64(buf, altstack?.size ?? 0n, uc + 32);
}
