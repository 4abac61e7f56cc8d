import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { featureByName, features, probeFeature, type Feature } from './features.js';

const answer = (name: string) => probeFeature(featureByName(name)!);

describe('features', () => {
  it('has the probes the project relies on, each with a unique name', () => {
    const names = features.map((f) => f.name);
    for (const n of ['uffd', 'uffd-noncoop', 'pagemap-scan', 'soft-dirty', 'mem-dirty-track', 'rseq', 'clone3-set-tid', 'pidfd', 'memfd', 'timens', 'ptrace-get-rseq-conf', 'vdso', 'eventfd-semaphore']) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('accepts criu spellings', () => {
    expect(featureByName('mem_dirty_track')?.name).toBe('mem-dirty-track');
    expect(featureByName('get_rseq_conf')?.name).toBe('ptrace-get-rseq-conf');
    expect(featureByName('pidfd_store')?.name).toBe('pidfd');
    expect(featureByName('no-such-thing')).toBeUndefined();
  });

  // Facts of this machine (DESIGN.md §3): no soft-dirty, PAGEMAP_SCAN and uffd WP_ASYNC present.
  it('answers what this kernel offers', () => {
    const sd = answer('soft-dirty');
    expect(sd.supported).toBe(false);
    expect(sd.detail).toMatch(/CONFIG_MEM_SOFT_DIRTY/);
    expect(answer('pagemap-scan').supported).toBe(true);
    expect(answer('mem-dirty-track')).toEqual({ supported: true, detail: 'by userfaultfd WP_ASYNC + PAGEMAP_SCAN' });
    expect(answer('uffd').detail).toMatch(/^features 0x[0-9a-f]+$/);
    for (const n of ['uffd-noncoop', 'rseq', 'clone3-set-tid', 'pidfd', 'memfd', 'timens', 'ptrace-get-rseq-conf', 'vdso', 'ptrace', 'map-files', 'arch', 'eventfd-semaphore']) {
      expect(answer(n), n).toMatchObject({ supported: true });
    }
  });

  it('agrees with the kernel on time namespaces and the vDSO', () => {
    expect(answer('timens').supported).toBe(fs.existsSync('/proc/self/ns/time'));
    expect(answer('vdso').detail).toMatch(/^\[vdso\] \d+ KiB/);
  });

  it('leaves no child behind after the ptrace probes', () => {
    const children = () => fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
    const before = children();
    answer('ptrace');
    answer('ptrace-get-rseq-conf');
    expect(children()).toBe(before);
  });

  it('turns a probe that throws into a "no" with the reason', () => {
    const broken: Feature = { name: 'x', basic: false, summary: '', probe: () => { throw new Error('criu-ts: addon gone'); } };
    expect(probeFeature(broken)).toEqual({ supported: false, detail: 'addon gone' });
  });
});
