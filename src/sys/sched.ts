// Constants of <sched.h> (the same on every arch we support).
export const CLONE_NEWNET = 0x40000000;
