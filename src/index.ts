// The library API of criu-ts: `import { dump, restore } from 'criu-ts'`.
export {};
