// criu-ts's own version, from package.json.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../sys/native.js';

export function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
