// mmap's protection and flag bits as this arch's kernel numbers them. Images keep a VMA's flags
// in the dumping arch's own numbering (as CRIU's do), so dump and restore share this table.
import type { ArchDescriptor } from '../arch/descriptor.js';
import { knownHostArch } from '../arch/index.js';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_SHARED = 0x1;
export const MAP_PRIVATE = 0x2;
/** A private anonymous mapping whose pages the kernel may drop under pressure (6.11+; VmFlags "dp"). */
export const MAP_DROPPABLE = 0x08;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100;

/** memfd_create flags (<linux/memfd.h>). */
export const MFD_CLOEXEC = 1;
export const MFD_ALLOW_SEALING = 2;

/** MAP_NORESERVE of `arch` (powerpc has its own; asm-generic's for an unknown arch). */
export const mapNoreserveOf = (arch: ArchDescriptor | undefined): number => arch?.mapNoreserve ?? 0x4000;

export const MAP_NORESERVE = mapNoreserveOf(knownHostArch());

/** MAP_LOCKED of `arch` (powerpc has its own; asm-generic's for an unknown arch): an mlock()ed VMA, VmFlags "lo". */
export const mapLockedOf = (arch: ArchDescriptor | undefined): number => arch?.mapLocked ?? 0x2000;

export const MAP_LOCKED = mapLockedOf(knownHostArch());
