// x86_64: what the arch-free code needs to know about this CPU.
import type { ArchDescriptor } from '../../src/arch/descriptor.js';
import { x86_64Regs } from './regs.js';
import { x86_64Restorer } from './restorer.js';

export const x86_64: ArchDescriptor = {
  name: 'x86_64',
  nodeArch: 'x64',
  debianArch: 'amd64',
  triple: 'x86_64-linux-gnu',
  littleEndian: true,
  elfMachine: 62, // EM_X86_64
  savedAuxvWords: 44,
  syscalls: {
    read: 0, write: 1, open: 2, close: 3, mmap: 9, mprotect: 10, munmap: 11, brk: 12,
    rt_sigaction: 13, rt_sigprocmask: 14, rt_sigreturn: 15, ioctl: 16, pread64: 17, madvise: 28,
    getpid: 39, socket: 41, connect: 42, sendmsg: 46, recvmsg: 47, clone: 56, exit: 60, kill: 62,
    fcntl: 72, getitimer: 36, setitimer: 38, prctl: 157, arch_prctl: 158, gettid: 186,
    set_tid_address: 218, timer_create: 222, timer_settime: 223, timer_gettime: 224,
    exit_group: 231, set_robust_list: 273, get_robust_list: 274, memfd_create: 319, rseq: 334,
    clone3: 435, pidfd_open: 434, pidfd_getfd: 438,
    sigaltstack: 131, timer_getoverrun: 225,
  },
  regs: x86_64Regs,
  restorer: x86_64Restorer,
};
