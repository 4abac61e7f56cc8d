import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initScript, runScript, shQuote } from './init-script.js';

describe('shQuote', () => {
  it.each(['plain', "it's", 'a b', '$HOME', '`x`', '"q"', '', 'ünï', 'line\nbreak', '^(pipe00|env00)$'])('survives sh: %j', (word) => {
    expect(execFileSync('sh', ['-c', `printf '%s' ${shQuote(word)}`], { encoding: 'utf8' })).toBe(word);
  });
});

describe('runScript', () => {
  it('sets env and cwd, and keeps the exit status through the output pipe', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-run-'));
    const file = path.join(dir, 'run.sh');
    fs.writeFileSync(file, runScript({ CRIU_TS_ARCH: 's390x', ODD: "a 'b'" }, dir, ['sh', '-c', 'echo "$CRIU_TS_ARCH|$ODD|$(pwd)"; exit 4']));
    // busybox sh in the guest; bash here has the same pipefail semantics (dash has none).
    const r = spawnSync('bash', [file], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true });
    expect(r.stdout).toBe(`s390x|a 'b'|${dir}\n`);
    expect(r.status).toBe(4);
  });
});

describe('initScript', () => {
  const script = initScript({ modules: ['00-virtio_pci.ko', '01-9pnet.ko'], rootDirs: ['lib', 'usr'], hostname: 'criu-ts-aarch64' });
  const lines = script.split('\n');

  it('loads the modules in the given order before mounting the shares', () => {
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/insmod \/modules\/00-virtio_pci\.ko/)).toBeLessThan(at(/insmod \/modules\/01-9pnet\.ko/));
    expect(at(/insmod \/modules\/01-9pnet\.ko/)).toBeLessThan(at(/mount -t 9p .* guest \/guest/));
    expect(lines.flatMap((l) => /^mount -t 9p -o \S+ (\S+ \S+)/.exec(l)?.[1] ?? [])).toEqual([
      'guest /guest',
      'repo /repo',
      'report /share',
    ]);
  });

  it('mounts the cache and repo read-only and the report share writable, the report dir on tmpfs', () => {
    const opts = (tag: string) => lines.find((l) => l.startsWith('mount -t 9p') && l.includes(` ${tag} `))!.split(' ')[4];
    expect(opts('guest')).toMatch(/,ro,/);
    expect(opts('repo')).toMatch(/,ro$/);
    expect(opts('report')).not.toMatch(/\bro\b/);
    expect(lines).toContain('mount -t tmpfs tmpfs /report');
  });

  it('links the Node root dirs; copies the report back, then writes the status and powers off', () => {
    expect(lines).toContain('ln -s /guest/root/lib /lib');
    expect(lines).toContain('ln -s /guest/root/usr /usr');
    const status = lines.findIndex((l) => l.includes('"$run".status'));
    const command = lines.findIndex((l) => l.includes('"$run".run.sh') && l.startsWith('sh '));
    const copyBack = lines.findIndex((l) => l.includes('cp "$f" /share/"$f"'));
    expect(command).toBeGreaterThan(0);
    expect(copyBack).toBeGreaterThan(command);
    expect(status).toBeGreaterThan(copyBack);
    expect(lines.slice(status).filter(Boolean).pop()).toBe('poweroff -f');
  });

  it('finds the run name on a kernel command line', () => {
    const assign = lines.find((l) => l.startsWith('run=$('))!;
    const sedExpr = /sed -n '([^']*)'/.exec(assign)![1]!;
    const parse = (cmdline: string) => execFileSync('sed', ['-n', sedExpr], { input: cmdline + '\n', encoding: 'utf8' }).trim();
    expect(parse('console=ttyAMA0 panic=-1 quiet criuts.run=guest-aarch64')).toBe('guest-aarch64');
    expect(parse('criuts.run=guest-s390x console=ttysclp0')).toBe('guest-s390x');
    expect(parse('console=hvc0 criutsxrun=nope')).toBe('');
  });
});
