// ppc64le restore support: the blob, the address-space limit and the sigframe.
import type { ArchRestorer } from '../../src/arch/descriptor.js';
import { buildSigframe, sigframeSize, tlsRegisters } from './sigframe.js';

export const ppc64leRestorer: ArchRestorer = {
  blob: 'restorer.bin',
  // The default map window (128 TiB); higher addresses are only handed out on request.
  taskSize: 0x800000000000n,
  sigframeSize,
  buildSigframe,
  tlsRegisters,
};
