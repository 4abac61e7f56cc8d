// aarch64: what the arch-free code needs to know about this CPU.
import type { ArchDescriptor } from '../../src/arch/descriptor.js';
import { aarch64Regs } from './regs.js';
import { aarch64Restorer } from './restorer.js';

export const aarch64: ArchDescriptor = {
  name: 'aarch64',
  nodeArch: 'arm64',
  debianArch: 'arm64',
  triple: 'aarch64-linux-gnu',
  littleEndian: true,
  elfMachine: 183, // EM_AARCH64
  savedAuxvWords: 50,
  // asm-generic table: there is no open (use openat) and no arch_prctl.
  syscalls: {
    read: 63, write: 64, openat: 56, close: 57, mmap: 222, mprotect: 226, munmap: 215, brk: 214,
    rt_sigaction: 134, rt_sigprocmask: 135, rt_sigreturn: 139, ioctl: 29, pread64: 67, madvise: 233,
    getpid: 172, socket: 198, connect: 203, sendmsg: 211, recvmsg: 212, clone: 220, exit: 93, kill: 129,
    fcntl: 25, getitimer: 102, setitimer: 103, prctl: 167, gettid: 178,
    set_tid_address: 96, timer_create: 107, timer_settime: 110, timer_gettime: 108,
    exit_group: 94, set_robust_list: 99, get_robust_list: 100, memfd_create: 279, rseq: 293,
    clone3: 435, pidfd_open: 434, pidfd_getfd: 438,
    sigaltstack: 132, timer_getoverrun: 109,
  },
  regs: aarch64Regs,
  restorer: aarch64Restorer,
  qemu: {
    system: 'qemu-system-aarch64',
    // pauth-impdef: the architected QARMA pointer-auth is ~3x slower under TCG (DESIGN.md §8).
    machineArgs: ['-M', 'virt', '-cpu', 'max,pauth-impdef=on'],
    console: 'ttyAMA0',
    ninePDevice: 'virtio-9p-pci',
    kernelPackage: 'linux-image-arm64',
    user: 'qemu-aarch64-static',
    kernelFile: 'vmlinuz',
    virtioModules: ['virtio_pci'],
    hostPackages: ['qemu-system-arm'],
    // QEMU 7.2's TCG and V8's optimizing compiler: node died now and then (SIGILL, SIGSEGV, a
    // fatal error in V8's deoptimizer), in criu-ts as in plain JavaScript (1 of 11 runs of a
    // transpiling loop; 2 of 48 criu-ts runs of 4 zdtm tests). Without TurboFan it did not.
    nodeArgs: ['--no-opt'],
  },
};
