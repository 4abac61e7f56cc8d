import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allFeatures, featureByName, features, probeFeature, type Feature } from './features.js';

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
    expect(featureByName('pidfd_store')?.name).toBe('pidfd-store');
    expect(featureByName('time_namespace')?.name).toBe('timens');
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

  // The names `criu check --feature` takes in CRIU 4.2 (criu/cr-check.c), so scripts written for criu
  // get an answer, never "unknown feature".
  const criuNames = ['mnt_id', 'mem_dirty_track', 'aio_remap', 'timerfd', 'tun', 'tun_ns', 'userns', 'fdinfo_lock',
    'seccomp_suspend', 'seccomp_filters', 'loginuid', 'cgroupns', 'autofs', 'tcp_half_closed', 'compat_cr', 'uffd',
    'uffd-noncoop', 'can_map_vdso', 'sk_ns', 'sk_unix_file', 'net_diag_raw', 'nsid', 'link_nsid', 'kcmp_epoll',
    'timens', 'external_net_ns', 'clone3_set_tid', 'newifindex', 'nftables', 'has_ipt_legacy', 'pidfd_store', 'ns_pid',
    'apparmor_stacking', 'network_lock_nftables', 'sockopt_buf_lock', 'memfd_hugetlb', 'get_rseq_conf',
    'ipv6_freebind', 'move_mount_set_group', 'openat2', 'overlayfs_maps', 'timer_cr_ids', 'breakpoints',
    'pagemap_scan_guard_pages'];

  it("knows every feature name of criu's and answers each without throwing", () => {
    for (const n of criuNames) {
      const f = featureByName(n);
      expect(f, n).toBeDefined();
      const a = probeFeature(f!);
      expect(a.detail, n).not.toBe('');
    }
    const names = allFeatures.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('says "no" for what criu-ts does not use, with what the kernel has', () => {
    const tun = answer('tun');
    expect(tun.supported).toBe(false);
    expect(tun.detail).toMatch(/^criu-ts does not dump tun\/tap devices yet \(the kernel (has|lacks) it: .+\)$/);
    expect(answer('seccomp_filters')).toMatchObject({ supported: true });
    expect(answer('kcmp_epoll')).toMatchObject({ supported: true });
    expect(answer('sk_unix_file')).toMatchObject({ supported: true });
  });

  it('turns a probe that throws into a "no" with the reason', () => {
    const broken: Feature = { name: 'x', basic: false, summary: '', probe: () => { throw new Error('criu-ts: addon gone'); } };
    expect(probeFeature(broken)).toEqual({ supported: false, detail: 'addon gone' });
  });
});
