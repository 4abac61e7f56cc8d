// Test descriptions: zdtm/static/<name>.desc.json beside <name>.c. The keys are the contract
// with the catalog; anything else is a typo we refuse, naming the file, rather than ignore.
import fs from 'node:fs';
import path from 'node:path';
import { archNames, type ArchName } from '../../src/arch/index.js';

export const flavorNames = ['h', 'ns', 'uns'] as const;
export type Flavor = (typeof flavorNames)[number];

export interface TestDesc {
  /** File stem of the desc: the binary is build/<arch>/<name>. */
  name: string;
  summary: string;
  flavors: Flavor[];
  /** Absent: every arch. */
  arches?: ArchName[];
  needs: string[];
  args: string[];
  /** Extra criu-ts options for both dump and restore. */
  opts: string[];
  /** Seconds; overrides the runner's --timeout for this test. */
  timeout?: number;
  /** Runs as a shell job: started, and restored, from a session on a terminal of its own. */
  terminal: boolean;
  /** Arches where the test is known to fail under C/R, each with the reason. */
  knownFailures: Partial<Record<ArchName, string>>;
}

export class DescError extends Error {
  constructor(readonly file: string, why: string) {
    super(`${file}: ${why}`);
    this.name = 'DescError';
  }
}

const DESC_SUFFIX = '.desc.json';
const knownKeys = new Set(['summary', 'flavors', 'arches', 'needs', 'args', 'opts', 'timeout', 'terminal', 'expected', 'reason']);

function stringList(file: string, key: string, v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new DescError(file, `"${key}" must be an array of strings`);
  }
  return v as string[];
}

function oneOf<T extends string>(file: string, key: string, values: string[], allowed: readonly T[]): T[] {
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw new DescError(file, `"${key}" has unknown value "${v}" (known: ${allowed.join(', ')})`);
    }
  }
  return values as T[];
}

/**
 * "expected": "fail" (with "reason") marks a known failure on every arch; an object
 * { "<arch>": "<reason>" } marks it on those arches only.
 */
function knownFailures(file: string, expected: unknown, reason: string | undefined): Partial<Record<ArchName, string>> {
  if (expected === undefined) {
    if (reason !== undefined) throw new DescError(file, '"reason" without "expected"');
    return {};
  }
  if (expected === 'fail') {
    if (reason === undefined || reason.trim() === '') throw new DescError(file, '"expected": "fail" needs a "reason"');
    return Object.fromEntries(archNames.map((a) => [a, reason]));
  }
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
    throw new DescError(file, '"expected" must be "fail" or an object of arch names and reasons');
  }
  if (reason !== undefined) throw new DescError(file, 'per-arch "expected" carries its reasons; drop "reason"');
  const entries = Object.entries(expected as Record<string, unknown>);
  oneOf(file, 'expected', entries.map(([a]) => a), archNames);
  for (const [a, why] of entries) {
    if (typeof why !== 'string' || why.trim() === '') throw new DescError(file, `"expected"."${a}" must be the reason (a non-empty string)`);
  }
  return Object.fromEntries(entries) as Partial<Record<ArchName, string>>;
}

/** The reason a test is known to fail on `arch`, or undefined if it should pass there. */
export function knownFailure(desc: TestDesc, arch: string): string | undefined {
  return desc.knownFailures[arch as ArchName];
}

/** Parses and validates one desc; `file` names it in errors and gives the test its name. */
export function parseDesc(text: string, file: string): TestDesc {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DescError(file, `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DescError(file, 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !knownKeys.has(k));
  if (unknown.length) {
    throw new DescError(file, `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...knownKeys].join(', ')})`);
  }
  if (typeof o['summary'] !== 'string' || o['summary'].trim() === '') throw new DescError(file, '"summary" (a non-empty string) is required');
  const base = path.basename(file);
  const desc: TestDesc = {
    name: base.endsWith(DESC_SUFFIX) ? base.slice(0, -DESC_SUFFIX.length) : base,
    summary: o['summary'],
    flavors: o['flavors'] === undefined ? ['h'] : oneOf(file, 'flavors', stringList(file, 'flavors', o['flavors']), flavorNames),
    needs: o['needs'] === undefined ? [] : stringList(file, 'needs', o['needs']),
    args: o['args'] === undefined ? [] : stringList(file, 'args', o['args']),
    opts: o['opts'] === undefined ? [] : stringList(file, 'opts', o['opts']),
    terminal: false,
    knownFailures: {},
  };
  if (o['terminal'] !== undefined) {
    if (typeof o['terminal'] !== 'boolean') throw new DescError(file, '"terminal" must be true or false');
    desc.terminal = o['terminal'];
  }
  if (o['arches'] !== undefined) desc.arches = oneOf(file, 'arches', stringList(file, 'arches', o['arches']), archNames);
  if (o['timeout'] !== undefined) {
    const t = o['timeout'];
    if (typeof t !== 'number' || !(t > 0)) throw new DescError(file, '"timeout" must be a positive number of seconds');
    desc.timeout = t;
  }
  if (o['reason'] !== undefined && typeof o['reason'] !== 'string') throw new DescError(file, '"reason" must be a string');
  desc.knownFailures = knownFailures(file, o['expected'], o['reason'] as string | undefined);
  return desc;
}

/** Every *.desc.json in `dir`, sorted by name. */
export function loadCatalog(dir: string): TestDesc[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw new Error(`zdtm: cannot read the test catalog ${dir}: ${(e as Error).message}`);
  }
  return names
    .filter((n) => n.endsWith(DESC_SUFFIX))
    .sort()
    .map((n) => {
      const file = path.join(dir, n);
      return parseDesc(fs.readFileSync(file, 'utf8'), file);
    });
}
