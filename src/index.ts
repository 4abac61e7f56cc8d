// The library API of criu-ts: `import { dump, restore } from 'criu-ts'`.
export { dump } from './dump/index.js';
export { preDump } from './dump/pre-dump.js';
export { restore, verifyImageSet } from './restore/index.js';
export type { DumpOptions, DumpResult, PreDumpOptions, RestoreOptions, RestoreResult } from './options.js';
export type { Logger } from './log.js';
export { silentLogger } from './log.js';
