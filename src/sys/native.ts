// Loads the compiled addon. Only modules in src/sys/ import this file; everything
// else uses their typed wrappers. CRIU_TS_ADDON overrides the path (guests, tests).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

/** Error thrown by native bindings: "EPERM: ptrace(SEIZE, 1234) (Operation not permitted)". */
export interface SysError extends Error {
  errno: number;
  code: string;
  syscall: string;
}

export function isSysError(e: unknown, code?: string): e is SysError {
  return e instanceof Error && typeof (e as SysError).errno === 'number' && (code === undefined || (e as SysError).code === code);
}

/** Finds the repository root from this file, whether run from src/ (vitest) or dist/src/ (built). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('criu-ts: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

let loaded: Record<string, unknown> | undefined;

/** The raw addon exports; typed by the wrappers in src/sys/. */
export function addon<T>(): T {
  if (!loaded) {
    const file = process.env['CRIU_TS_ADDON'] ?? path.join(packageRoot(), 'native', 'build', 'Release', 'criu_ts.node');
    if (!fs.existsSync(file)) {
      throw new Error(`criu-ts: native addon missing at ${file}; run "npm run build:native"`);
    }
    loaded = createRequire(import.meta.url)(file) as Record<string, unknown>;
  }
  return loaded as T;
}
