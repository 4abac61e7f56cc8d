// The built executable end to end, as a harness drives it: `node dist/src/cli/main.js ...`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultPoints } from '../fault.js';
import { packageRoot } from '../sys/native.js';
import { allFeatures } from './features.js';

const main = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
let tmp: string;

function cli(...argv: string[]) {
  const r = spawnSync(process.execPath, [main, ...argv], { cwd: tmp, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An error as the CLI must print it: exactly one line. */
function expectOneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

beforeAll(() => {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npm run build:ts)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('criu-ts executable', () => {
  it('prints its version and help', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
    expect(cli('--version')).toEqual({ status: 0, stdout: `Version: ${pkg.version}\n`, stderr: '' });
    expect(cli('-V').stdout).toBe(`Version: ${pkg.version}\n`);
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: criu-ts COMMAND/);
    expect(cli('dump', '-h').stdout).toMatch(/^Usage: criu-ts dump -t PID -D DIR/);
  });

  it('checks the kernel like criu', () => {
    expect(cli('check')).toEqual({ status: 0, stdout: 'Looks good.\n', stderr: '' });
    expect(cli('check', '--feature', 'pagemap-scan')).toEqual({ status: 0, stdout: 'pagemap-scan is supported\n', stderr: '' });
    const sd = cli('check', '--feature=soft-dirty');
    expect(sd.status).toBe(1);
    expectOneErrorLine(sd.stderr, /^Error \(criu-ts\): soft-dirty is not supported: .*CONFIG_MEM_SOFT_DIRTY/);
    expect(cli('check', '--feature', 'list').stdout).toBe(allFeatures.map((f) => f.name + '\n').join(''));
    expect(cli('check', '--fault-points').stdout).toBe(Object.keys(faultPoints).map((p) => p + '\n').join(''));
    // --all includes soft-dirty, missing here: criu's "maybe" verdict and status 1, the reason on stderr.
    const all = cli('check', '--all');
    expect(all.status).toBe(1);
    expect(all.stdout).toMatch(/^Looks good but some kernel features are missing/);
    expect(all.stderr).toMatch(/Warn: soft-dirty: /);
  });

  it('writes the log file relative to the work dir, errors also to stderr', () => {
    fs.mkdirSync(path.join(tmp, 'work'));
    const ok = cli('check', '-W', 'work', '-o', 'check.log', '-v4');
    expect(ok.status).toBe(0);
    const log = fs.readFileSync(path.join(tmp, 'work', 'check.log'), 'utf8');
    expect(log).toMatch(/^\(00\.\d{6}\) Info: criu-ts \d+\.\d+\.\d+ on node v\d+.*: check -W work -o check.log -v4\n/);
    expect(log).toMatch(/^\(\d\d\.\d{6}\) Info: arch: yes/m);
    const bad = cli('check', '--feature', 'soft-dirty', '-D', 'work', '-o', 'bad.log');
    expectOneErrorLine(bad.stderr, /^Error \(criu-ts\): soft-dirty is not supported/);
    expect(fs.readFileSync(path.join(tmp, 'work', 'bad.log'), 'utf8')).toBe(bad.stderr);
  });

  it('rejects bad command lines in one line, with a hint', () => {
    const unknown = cli('dump', '--bogus');
    expect(unknown.status).toBe(1);
    expectOneErrorLine(unknown.stderr, /^Error \(criu-ts\): unknown option --bogus \(see "criu-ts dump --help"\)$/);
    expectOneErrorLine(cli('--bogus').stderr, /unknown option --bogus \(see "criu-ts --help"\)$/);
    expectOneErrorLine(cli().stderr, /no command given/);
    expectOneErrorLine(cli('dump', '-D', '.').stderr, /dump needs the root of the tree: -t PID/);
    const root = cli('restore', '--root', '/');
    expect(root.status).toBe(1);
    expectOneErrorLine(root.stderr, /^Error \(criu-ts\): --root: not supported yet$/);
    expectOneErrorLine(cli('pre-dump', '-D', '.').stderr, /pre-dump needs the root of the tree: -t PID/);
    expectOneErrorLine(cli('check', '--feature', 'warp-drive').stderr, /unknown feature "warp-drive"/);
  });

  it('prints the stack of an error only at -v4', () => {
    const plain = cli('check', '--feature', 'soft-dirty');
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    const debug = cli('check', '--feature', 'soft-dirty', '-v4');
    expect(debug.stderr).toMatch(/^Error \(criu-ts\): soft-dirty is not supported.*\n\s+at /m);
  });

  it('encodes, decodes and shows an image; names file and offset of a truncated one', () => {
    const doc = { magic: 'PSTREE', entries: [{ pid: 7, ppid: 0, pgid: 7, sid: 7, threads: [7, 8] }] };
    fs.writeFileSync(path.join(tmp, 'p.json'), JSON.stringify(doc));
    expect(cli('encode', '-i', 'p.json', '-o', 'pstree.img').status).toBe(0);
    const dec = cli('decode', '-i', 'pstree.img');
    expect(dec.status).toBe(0);
    expect(JSON.parse(dec.stdout)).toEqual(doc);
    expect(cli('decode', '-i', 'pstree.img', '-o', 'out.json', '--pretty').status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'out.json'), 'utf8'))).toEqual(doc);
    const shown = cli('show', 'pstree.img');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^pstree\.img: PSTREE .*1 entries\n\s+#0 pid=7 /);

    const img = fs.readFileSync(path.join(tmp, 'pstree.img'));
    fs.writeFileSync(path.join(tmp, 'cut.img'), img.subarray(0, img.length - 3));
    for (const r of [cli('show', 'cut.img'), cli('decode', '-i', 'cut.img')]) {
      expect(r.status).toBe(1);
      expectOneErrorLine(r.stderr, /^Error \(criu-ts\): cut\.img: offset \d+: /);
    }
    fs.writeFileSync(path.join(tmp, 'bad.json'), '{"magic": "PSTREE", "entries": [');
    expectOneErrorLine(cli('encode', '-i', 'bad.json', '-o', 'x.img').stderr, /^Error \(criu-ts\): bad\.json: /);
    expectOneErrorLine(cli('encode', '-i', 'p.json').stderr, /encode: missing the image to write: -o FILE/);
  });

  it('flushes a large output into a slow pipe before exiting', async () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ pid: i + 1, ppid: 0, pgid: i + 1, sid: i + 1, threads: [i + 1] }));
    fs.writeFileSync(path.join(tmp, 'big.json'), JSON.stringify({ magic: 'PSTREE', entries }));
    expect(cli('encode', '-i', 'big.json', '-o', 'big.img').status).toBe(0);
    expect(cli('decode', '-i', 'big.img', '-o', 'big.out').status).toBe(0);
    const expected = fs.statSync(path.join(tmp, 'big.out')).size;
    expect(expected).toBeGreaterThan(256 * 1024); // well past a pipe's buffer
    const child = spawn(process.execPath, [main, 'decode', '-i', 'big.img'], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => setTimeout(r, 500)); // the pipe fills while nobody reads
    let received = 0;
    child.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect(status).toBe(0);
    expect(received).toBe(expected);
  });
});
