// What the kernel would do with a syscall that a stop interrupted, told from the -ERESTART*
// value it left as the result. Those values never reach user code, and a sigreturn-based
// restore bypasses the kernel's own restart logic, so the dumper applies it to the saved
// registers. The numbers are the same on every arch; where they sit is in arch/<arch>/regs.ts.

/** Re-run the call, give it -EINTR (its restart block stays in the kernel), or leave it. */
export type RestartAction = 'rerun' | 'eintr' | 'none';

export const EINTR = 4n;

/** The action for a syscall whose result register holds `result` (a negative errno). */
export function restartAction(result: bigint): RestartAction {
  switch (result) {
    case -512n: // ERESTARTSYS
    case -513n: // ERESTARTNOINTR
    case -514n: // ERESTARTNOHAND
      return 'rerun';
    case -516n: // ERESTART_RESTARTBLOCK
      return 'eintr';
    default:
      return 'none';
  }
}
