// x86_64 restore support: the blob, the address-space limit and the sigframe.
import type { ArchRestorer } from '../../src/arch/descriptor.js';
import { buildSigframe, sigframeSize, tlsRegisters } from './sigframe.js';

export const x86_64Restorer: ArchRestorer = {
  blob: 'restorer.bin',
  // 47-bit user space (4-level paging; 5-level tasks only get higher addresses on request).
  taskSize: 0x7ffffffff000n,
  sigframeSize,
  buildSigframe,
  tlsRegisters,
};
