// <signal.h>: the numbers of signal handling criu-ts itself uses.
/** Every signal: a sigset_t word with all 64 bits set. */
export const ALL_SIGNALS = 0xffffffffffffffffn;
/** stack_t.ss_flags of a thread without an alternate signal stack. */
export const SS_DISABLE = 2;
