// Constants of <sched.h> (the same on every arch we support).
export const CLONE_NEWNET = 0x40000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
/** Unshared, it is the namespace of the children to come; the task enters it through time_for_children. */
export const CLONE_NEWTIME = 0x00000080;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
