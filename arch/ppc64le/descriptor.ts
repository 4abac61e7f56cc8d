// ppc64le: what the arch-free code needs to know about this CPU.
import type { ArchDescriptor } from '../../src/arch/descriptor.js';
import { ppc64leRegs } from './regs.js';
import { ppc64leRestorer } from './restorer.js';

export const ppc64le: ArchDescriptor = {
  name: 'ppc64le',
  nodeArch: 'ppc64', // Node reports ppc64 for little-endian POWER too
  debianArch: 'ppc64el',
  triple: 'powerpc64le-linux-gnu',
  littleEndian: true,
  elfMachine: 21, // EM_PPC64
  savedAuxvWords: 54,
  // No arch_prctl.
  syscalls: {
    read: 3, write: 4, open: 5, openat: 286, close: 6, mmap: 90, mprotect: 125, munmap: 91, brk: 45,
    rt_sigaction: 173, rt_sigprocmask: 174, rt_sigreturn: 172, ioctl: 54, pread64: 179, madvise: 205,
    getpid: 20, socket: 326, connect: 328, sendmsg: 341, recvmsg: 342, clone: 120, exit: 1, kill: 37,
    fcntl: 55, getitimer: 105, setitimer: 104, prctl: 171, gettid: 207,
    set_tid_address: 232, timer_create: 240, timer_settime: 241, timer_gettime: 242,
    exit_group: 234, set_robust_list: 300, get_robust_list: 299, memfd_create: 360, rseq: 387,
    clone3: 435, pidfd_open: 434, pidfd_getfd: 438,
    sigaltstack: 185, timer_getoverrun: 243,
  },
  mapNoreserve: 0x40,
  mapLocked: 0x80,
  queueIoctls: { FIONREAD: 0x4004667f, TIOCOUTQ: 0x40047473 }, // _IOR('f', 127, int), _IOR('t', 115, int)
  // No termios2: TCGETS/TCSETS (_IOR/_IOW('t', 19/20, struct termios)) move a struct termios
  // that has the speeds and puts c_line after c_cc; the locked-termios ioctls move it whole.
  tty: {
    getTermios: 0x402c7413, setTermios: 0x802c7414, getLockedTermios: 0x5456, setLockedTermios: 0x5457,
    getWinsize: 0x40087468, setWinsize: 0x80087467, // _IOR('t', 104), _IOW('t', 103, struct winsize)
    termios: { size: 44, c_cc: 16, c_line: 35, c_ispeed: 36, c_ospeed: 40 },
    lockedSize: 44,
    // _IOR is 0x40000000 and _IOW 0x80000000 here (the reverse of asm-generic), _IO 0x20000000.
    pty: {
      getIndex: 0x40045430, getLock: 0x40045439, setLock: 0x80045431, getPacket: 0x40045438, setPacket: 0x5420,
      getExclusive: 0x40045440, setExclusive: 0x540c, openPeer: 0x20005441,
    },
    lflag: { ICANON: 0x100, IEXTEN: 0x400 },
    cc: { VEOF: 4, VEOL: 6, VEOL2: 8, VMIN: 5, VTIME: 7 },
  },
  socketOptions: { SO_RCVLOWAT: 16, SO_SNDLOWAT: 17, SO_RCVTIMEO: 18, SO_SNDTIMEO: 19, SO_PASSCRED: 20, SO_PEERCRED: 21 },
  regs: ppc64leRegs,
  restorer: ppc64leRestorer,
  qemu: {
    system: 'qemu-system-ppc64',
    // x-vof: QEMU's minimal firmware instead of SLOF, which costs 8-16 s per boot (DESIGN.md §8).
    machineArgs: ['-M', 'pseries,usb=off,x-vof=on'],
    console: 'hvc0',
    ninePDevice: 'virtio-9p-pci',
    kernelPackage: 'linux-image-powerpc64le',
    user: 'qemu-ppc64le-static',
    kernelFile: 'vmlinux', // VOF boots only an uncompressed ELF kernel
    virtioModules: ['virtio_pci'],
    hostPackages: ['qemu-system-ppc'],
  },
};
