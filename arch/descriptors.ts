// Every arch criu-ts knows, one line each: its folder's descriptor (src/arch/index.ts and the
// ArchName type are derived from this list; Makefiles and CI scripts from the folders).
export { aarch64 } from './aarch64/descriptor.js';
export { ppc64le } from './ppc64le/descriptor.js';
export { s390x } from './s390x/descriptor.js';
export { x86_64 } from './x86_64/descriptor.js';
