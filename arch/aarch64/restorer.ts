// aarch64 restore support: the blob, the address-space limit, the sigframe and the
// pointer-authentication keys (which only a tracer can set).
import type { ArchRestorer } from '../../src/arch/descriptor.js';
import { pacRegsetsFromThreadInfo } from './regs.js';
import { buildSigframe, sigframeSize, tlsRegisters } from './sigframe.js';

export const aarch64Restorer: ArchRestorer<'ti_aarch64'> = {
  blob: 'restorer.bin',
  // 48-bit user space (Debian's VA_BITS; 52-bit addresses are only handed out on request).
  taskSize: 0x1000000000000n,
  sigframeSize,
  buildSigframe,
  tlsRegisters,
  tracerRegsets: pacRegsetsFromThreadInfo,
};
