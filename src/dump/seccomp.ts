// seccomp filters, as CRIU keeps them in seccomp.img: every thread's chain, oldest first,
// each filter naming the older one it runs after (prev); a thread's core names its newest.
import type { SeccompFilter } from '../images/index.js';
import { isSysError } from '../sys/native.js';
import { seccompGetFilter, seccompGetFlags } from '../sys/ptrace.js';

export class SeccompFilters {
  readonly filters: SeccompFilter[] = [];

  /** Adds tid's filter chain; returns the position of its newest filter. */
  addThread(tid: number): number {
    const chain: SeccompFilter[] = [];
    for (let index = 0; ; index++) {
      let filter: Buffer;
      try {
        filter = seccompGetFilter(tid, index);
      } catch (e) {
        if (isSysError(e, 'ENOENT')) break; // past the oldest filter
        throw e;
      }
      chain.push({ filter, flags: seccompGetFlags(tid, index) });
    }
    if (chain.length === 0) throw new Error(`criu-ts: thread ${tid} is in seccomp filter mode but has no filter`);
    for (const [i, f] of chain.reverse().entries()) {
      this.filters.push(i === 0 ? f : { ...f, prev: this.filters.length - 1 });
    }
    return this.filters.length - 1;
  }
}
