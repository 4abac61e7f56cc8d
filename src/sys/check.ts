// Typed face of native/src/check.cc: kernel feature probes for `criu-ts check`.
import { addon } from './native.js';

interface CheckAddon {
  uffdFeatures(): number;
  pagemapScanSelf(): number;
  rseqProbeErrno(): number;
  clone3SetTidProbeErrno(): number;
  forkIdleChild(): number;
}

const native = (): CheckAddon => addon<CheckAddon>();

/** Feature bits userfaultfd's UFFDIO_API offers; throws SysError when userfaultfd fails. */
export const uffdFeatures = (): number => native().uffdFeatures();
/** Runs PAGEMAP_SCAN on one page of our stack; throws SysError (ENOTTY: no such ioctl). */
export const pagemapScanSelf = (): number => native().pagemapScanSelf();
/** errno of rseq(NULL, 0, 0, 0): EINVAL means the syscall exists, ENOSYS that it does not. */
export const rseqProbeErrno = (): number => native().rseqProbeErrno();
/** errno of a clone3 refused for its set_tid fields: EINVAL means set_tid is known. */
export const clone3SetTidProbeErrno = (): number => native().clone3SetTidProbeErrno();
/** Forks a child that only waits and dies with us; the caller must kill and reap it. */
export const forkIdleChild = (): number => native().forkIdleChild();
