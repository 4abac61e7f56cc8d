// Command line of the ZDTM runner (`npm run zdtm -- ...`).
import { parseArgs } from 'node:util';
import { archNames } from '../../src/arch/index.js';

export interface RunnerOptions {
  /** "host", "all" or an arch name. */
  arch: string;
  filter?: RegExp;
  list: boolean;
  jobs: number;
  iters: number;
  /** Pre-dumps before each dump, each the parent of the next and the last the dump's parent. */
  preDumps: number;
  nocr: boolean;
  keepImages: boolean;
  report?: string;
  criuBin?: string;
  /** Interop: dump, or restore, with this binary; the other step uses criuBin or criu-ts. */
  dumpBin?: string;
  restoreBin?: string;
  /** Seconds for one whole test, unless its desc says otherwise; see testTimeout() for the default. */
  timeout?: number;
  /** Hidden: we are the runner inside a guest; the arch is ours and the tests are prebuilt. */
  inGuest: boolean;
  /** Where the *.desc.json live (default zdtm/static). */
  catalog?: string;
  /** Where the test binaries are (default zdtm/build/<arch>). */
  buildDir?: string;
  build: boolean;
  help: boolean;
}

export const usage = `usage: npm run zdtm -- [options]
  --arch A          ${[...archNames, 'host', 'all'].join(' | ')}   (default host)
  --filter RE       run only tests whose name matches RE
  --list            list the selected tests (and why any would be skipped), run nothing
  --jobs N          run N tests at once (default 1)
  --iters N         dump and restore N times before the check (default 1)
  --pre-dump N      N pre-dumps before each dump, chained by --prev-images-dir (default 0)
  --nocr            no checkpoint: start, wait, SIGTERM, check (tells a broken test from a broken C/R)
  --keep-images     keep image directories of passing tests too
  --report DIR      work dirs, junit.xml and results.json go here (default: a new tmp dir)
  --criu-bin PATH   drive this criu-compatible binary instead of criu-ts
  --dump-bin PATH   dump with this binary (and restore with --criu-bin or criu-ts)
  --restore-bin PATH  restore with this binary what --criu-bin or criu-ts dumped
  --timeout SEC     limit for one whole test (default 60; a desc's "timeout" overrides; both x5 in a guest)
  --catalog DIR     directory of *.desc.json (default zdtm/static)
  --build-dir DIR   directory of test binaries (default zdtm/build/<arch>)
  --no-build        do not run make first
  -h, --help        this text`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`zdtm: --${name} needs a positive integer, got "${v}"`);
  return n;
}

export function parseRunnerArgs(argv: string[]): RunnerOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        arch: { type: 'string' },
        filter: { type: 'string' },
        list: { type: 'boolean' },
        jobs: { type: 'string' },
        iters: { type: 'string' },
        'pre-dump': { type: 'string' },
        nocr: { type: 'boolean' },
        'keep-images': { type: 'boolean' },
        report: { type: 'string' },
        'criu-bin': { type: 'string' },
        'dump-bin': { type: 'string' },
        'restore-bin': { type: 'string' },
        timeout: { type: 'string' },
        'in-guest': { type: 'boolean' },
        catalog: { type: 'string' },
        'build-dir': { type: 'string' },
        'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new Error(`zdtm: ${(e as Error).message} (see --help)`);
  }
  const str = (k: string) => values[k] as string | undefined;
  let filter: RegExp | undefined;
  const f = str('filter');
  if (f !== undefined) {
    try {
      filter = new RegExp(f);
    } catch (e) {
      throw new Error(`zdtm: --filter: ${(e as Error).message}`);
    }
  }
  const timeout = str('timeout') === undefined ? undefined : Number(str('timeout'));
  if (timeout !== undefined && !(timeout > 0)) throw new Error(`zdtm: --timeout needs a positive number of seconds, got "${str('timeout')}"`);
  const opts: RunnerOptions = {
    arch: str('arch') ?? 'host',
    list: values['list'] === true,
    jobs: positiveInt('jobs', str('jobs'), 1),
    iters: positiveInt('iters', str('iters'), 1),
    preDumps: str('pre-dump') === undefined ? 0 : positiveInt('pre-dump', str('pre-dump'), 0),
    nocr: values['nocr'] === true,
    keepImages: values['keep-images'] === true,
    inGuest: values['in-guest'] === true,
    build: values['no-build'] !== true && values['in-guest'] !== true,
    help: values['help'] === true,
  };
  if (filter) opts.filter = filter;
  if (timeout !== undefined) opts.timeout = timeout;
  const paths = [['report', 'report'], ['criu-bin', 'criuBin'], ['dump-bin', 'dumpBin'], ['restore-bin', 'restoreBin'], ['catalog', 'catalog'], ['build-dir', 'buildDir']] as const;
  for (const [key, prop] of paths) {
    const v = str(key);
    if (v !== undefined) opts[prop] = v;
  }
  if (opts.inGuest && opts.arch === 'all') throw new Error('zdtm: --in-guest runs one arch, not "all"');
  return opts;
}

/**
 * The options a runner inside a guest needs, as argv (the guest module adds --in-guest, --arch
 * and --report itself, since only it knows where the report share is mounted).
 */
export function guestRunnerArgs(o: RunnerOptions): string[] {
  const a: string[] = [];
  if (o.filter) a.push('--filter', o.filter.source);
  if (o.jobs !== 1) a.push('--jobs', String(o.jobs));
  if (o.iters !== 1) a.push('--iters', String(o.iters));
  if (o.preDumps) a.push('--pre-dump', String(o.preDumps));
  if (o.nocr) a.push('--nocr');
  if (o.keepImages) a.push('--keep-images');
  if (o.criuBin) a.push('--criu-bin', o.criuBin);
  if (o.dumpBin) a.push('--dump-bin', o.dumpBin);
  if (o.restoreBin) a.push('--restore-bin', o.restoreBin);
  if (o.timeout !== undefined) a.push('--timeout', String(o.timeout));
  return a;
}

/** How much longer tests take in an emulated guest (CPU 15-25x slower, node starts in seconds). */
const GUEST_SLOWDOWN = 5;

/**
 * Seconds for one test: its desc's "timeout", else --timeout, else 60. Limits written for native
 * speed (the desc's and the default) stretch in a guest; an explicit --timeout is taken as given.
 */
export function testTimeout(o: RunnerOptions, descTimeout?: number): number {
  const stretch = o.inGuest ? GUEST_SLOWDOWN : 1;
  if (descTimeout !== undefined) return descTimeout * stretch;
  return o.timeout ?? 60 * stretch;
}
