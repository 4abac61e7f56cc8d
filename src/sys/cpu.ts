// Typed face of CPUID (x86 only; the binding is absent on other CPUs).
import { addon } from './native.js';

interface CpuAddon {
  cpuidCount?(leaf: number, subleaf: number): [number, number, number, number];
}

/** CPUID(leaf, subleaf) as [eax, ebx, ecx, edx]. */
export function cpuidCount(leaf: number, subleaf: number): [number, number, number, number] {
  const fn = addon<CpuAddon>().cpuidCount;
  if (!fn) throw new Error('criu-ts: cpuid is only available on x86');
  return fn(leaf, subleaf);
}
