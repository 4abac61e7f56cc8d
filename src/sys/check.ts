// Typed face of native/src/check.cc: kernel feature probes for `criu-ts check`.
import { addon } from './native.js';

interface CheckAddon {
  uffdFeatures(): number;
  pagemapScanSelf(): number;
  rseqProbeErrno(): number;
  clone3SetTidProbeErrno(): number;
  forkIdleChild(): number;
  timerRestoreIdsProbeErrno(): number;
  openat2ProbeErrno(): number;
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
/** 0 when prctl(PR_TIMER_CREATE_RESTORE_IDS) is known (Linux 6.15+), else its errno. */
export const timerRestoreIdsProbeErrno = (): number => native().timerRestoreIdsProbeErrno();
/** 0 when openat2 opens "/" with RESOLVE_NO_SYMLINKS, else its errno. */
export const openat2ProbeErrno = (): number => native().openat2ProbeErrno();
