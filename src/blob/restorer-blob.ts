// The restorer blob of an arch, as built (or as CRIU_TS_RESTORER names it), read once.
import fs from 'node:fs';
import path from 'node:path';
import type { ArchDescriptor } from '../arch/descriptor.js';
import { packageRoot } from '../sys/native.js';

const blobs = new Map<string, Buffer>();

export function restorerBlob(arch: ArchDescriptor): Buffer {
  const file = process.env['CRIU_TS_RESTORER'] ?? path.join(packageRoot(), 'arch', arch.name, 'build', arch.restorer!.blob);
  let blob = blobs.get(file);
  if (!blob) {
    if (!fs.existsSync(file)) throw new Error(`criu-ts: restorer blob missing at ${file}; run "npm run build:blobs"`);
    blob = fs.readFileSync(file);
    blobs.set(file, blob);
  }
  return blob;
}
