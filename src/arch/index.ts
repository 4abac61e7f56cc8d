// Maps Node's process.arch (and user-facing names) to the descriptor in arch/<arch>/.
// CRIU_TS_ARCH overrides the detected arch (used when cross-building for a guest).
import type { ArchDescriptor, ArchName } from './descriptor.js';
import * as descriptors from '../../arch/descriptors.js';

export type { ArchDescriptor, ArchName } from './descriptor.js';

const byName = new Map<ArchName, ArchDescriptor>(Object.values(descriptors).map((d) => [d.name, d]));

export const archNames: readonly ArchName[] = [...byName.keys()];

/** Accepts an ArchName, a Node arch ("x64", "ppc64") or "host". */
export function archByName(name: string): ArchDescriptor {
  if (name === 'host') return hostArch();
  for (const d of byName.values()) if (d.name === name || d.nodeArch === name) return d;
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
