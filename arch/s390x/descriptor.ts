// s390x (big-endian): what the arch-free code needs to know about this CPU.
import type { ArchDescriptor } from '../../src/arch/descriptor.js';
import { s390xRegs } from './regs.js';
import { s390xRestorer } from './restorer.js';

export const s390x: ArchDescriptor = {
  name: 's390x',
  nodeArch: 's390x',
  debianArch: 's390x',
  triple: 's390x-linux-gnu',
  littleEndian: false,
  elfMachine: 22, // EM_S390
  savedAuxvWords: 44,
  // No arch_prctl. mmap (90) is the old one-argument form (syscall-arch.h says so).
  syscalls: {
    read: 3, write: 4, open: 5, openat: 288, close: 6, mmap: 90, mprotect: 125, munmap: 91, brk: 45,
    rt_sigaction: 174, rt_sigprocmask: 175, rt_sigreturn: 173, ioctl: 54, pread64: 180, madvise: 219,
    getpid: 20, socket: 359, connect: 362, sendmsg: 370, recvmsg: 372, clone: 120, exit: 1, kill: 37,
    fcntl: 55, getitimer: 105, setitimer: 104, prctl: 172, gettid: 236,
    set_tid_address: 252, timer_create: 254, timer_settime: 255, timer_gettime: 256,
    exit_group: 248, set_robust_list: 304, get_robust_list: 305, memfd_create: 350, rseq: 383,
    clone3: 435, pidfd_open: 434, pidfd_getfd: 438,
    sigaltstack: 186, timer_getoverrun: 257,
  },
  regs: s390xRegs,
  restorer: s390xRestorer,
  qemu: {
    system: 'qemu-system-s390x',
    machineArgs: ['-M', 's390-ccw-virtio'],
    console: 'ttysclp0',
    ninePDevice: 'virtio-9p-ccw',
    kernelPackage: 'linux-image-s390x',
    user: 'qemu-s390x-static',
    kernelFile: 'vmlinuz',
    virtioModules: [], // virtio_ccw is built in (CONFIG_S390_GUEST=y)
    hostPackages: ['qemu-system-misc'],
    // QEMU 7.2's s390x TCG breaks V8's generated code: 3 of 3 catalog runs with node's JIT
    // died within two minutes (SIGILL, SIGSEGV, corrupted state; cpu models qemu, max and
    // qemu,vxeh2=off alike). Without the JIT the whole catalog ran.
    guestEnv: { NODE_OPTIONS: '--jitless' },
  },
};
