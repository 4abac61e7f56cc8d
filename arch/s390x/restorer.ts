// s390x restore support: the blob, the address-space limit and the sigframe.
import type { ArchRestorer } from '../../src/arch/descriptor.js';
import { buildSigframe, sigframeSize, tlsRegisters } from './sigframe.js';

export const s390xRestorer: ArchRestorer = {
  blob: 'restorer.bin',
  // TASK_SIZE of a 64-bit task is -PAGE_SIZE: page tables grow on demand up to 5 levels.
  taskSize: 0xfffffffffffff000n,
  sigframeSize,
  buildSigframe,
  tlsRegisters,
};
