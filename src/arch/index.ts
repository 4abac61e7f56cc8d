// Maps Node's process.arch (and user-facing names) to the descriptor in arch/<arch>/.
// CRIU_TS_ARCH overrides the detected arch (used when cross-building for a guest).
import type { ArchDescriptor, ArchName } from './descriptor.js';
import { x86_64 } from '../../arch/x86_64/descriptor.js';
import { aarch64 } from '../../arch/aarch64/descriptor.js';
import { s390x } from '../../arch/s390x/descriptor.js';
import { ppc64le } from '../../arch/ppc64le/descriptor.js';

export type { ArchDescriptor, ArchName } from './descriptor.js';

const byName = new Map<ArchName, ArchDescriptor>([x86_64, aarch64, s390x, ppc64le].map((d) => [d.name, d]));

export const archNames: readonly ArchName[] = ['x86_64', 'aarch64', 's390x', 'ppc64le'];

/** Accepts an ArchName, a Node arch ("x64", "ppc64") or "host". */
export function archByName(name: string): ArchDescriptor {
  if (name === 'host') return hostArch();
  for (const d of byName.values()) if (d.name === name || d.nodeArch === name) return d;
  if ((archNames as readonly string[]).includes(name)) {
    throw new Error(`criu-ts: arch ${name} is not supported yet`);
  }
  throw new Error(`criu-ts: unknown arch "${name}" (known: ${archNames.join(', ')})`);
}

export function hostArch(): ArchDescriptor {
  return archByName(process.env['CRIU_TS_ARCH'] ?? process.arch);
}

/** The host's descriptor, or undefined on an arch criu-ts does not know (`check` reports that). */
export function knownHostArch(): ArchDescriptor | undefined {
  try {
    return hostArch();
  } catch {
    return undefined;
  }
}

export function supportedArches(): ArchDescriptor[] {
  return [...byName.values()];
}
