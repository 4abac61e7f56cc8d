// The contract between arch-free code and arch/<arch>/. Everything that differs between
// CPUs is reached through one ArchDescriptor; adding an arch is adding one folder that
// exports a value of this type (and registering it in arch/descriptors.ts).
//
// Owners of the x86_64 slice extend this interface as they need (add fields; never
// rename). Every arch folder then implements the new fields.

import type { CoreEntry, CoreEntryMarch } from '../images/entries.js';

/** The name of an arch folder (arch/<name>/), as arch/descriptors.ts registers it. */
export type ArchName = keyof typeof import('../../arch/descriptors.js');

/** The core_entry fields that hold a per-arch thread info message ("thread_info" is x86's). */
export type ThreadInfoField = Extract<keyof CoreEntry, 'thread_info' | `ti_${string}`>;

/** The thread info message core_entry keeps in field F (ThreadInfoAarch64 for "ti_aarch64"). */
export type ThreadInfoOf<F extends ThreadInfoField = ThreadInfoField> = NonNullable<CoreEntry[F]>;

/** A thread info message without clear_tid_addr, which the dumper asks the task for (distributes over F). */
export type ThreadInfoBody<F extends ThreadInfoField = ThreadInfoField> = F extends ThreadInfoField ? Omit<ThreadInfoOf<F>, 'clear_tid_addr'> : never;

export interface QemuGuest {
  /** qemu-system binary, e.g. "qemu-system-aarch64". */
  system: string;
  /** Arguments that select the machine, CPU and firmware (see DESIGN.md §8). */
  machineArgs: string[];
  /** Kernel console device name, for console=. */
  console: string;
  /** The virtio-9p device model for this machine ("virtio-9p-pci", "virtio-9p-ccw"). */
  ninePDevice: string;
  /** Debian kernel image package stem (without version), e.g. "linux-image-arm64". */
  kernelPackage: string;
  /** qemu-user binary for --nocr runs, e.g. "qemu-aarch64-static". */
  user: string;
  /** Kernel image to boot from the package's /boot: "vmlinuz" (compressed) or "vmlinux" (ELF). */
  kernelFile: 'vmlinuz' | 'vmlinux';
  /** Modules of the virtio transport the guest's 9p device sits on ("virtio_pci", "virtio_ccw"). */
  virtioModules: string[];
  /** Debian packages on the host that provide `system`. */
  hostPackages: string[];
  /** Environment for programs in the guest, to work around the emulator (e.g. NODE_OPTIONS). */
  guestEnv?: Readonly<Record<string, string>>;
  /** node flags of the guest's catalog run (and so of every criu-ts it starts), for V8 options NODE_OPTIONS does not take. */
  nodeArgs?: readonly string[];
}

/** One thread's register sets as ptrace moves them: general purpose and FPU/vector state. */
export interface RawRegs {
  gp: Buffer;
  fp: Buffer;
}

/**
 * Registers of this CPU as dump and restore see them (the x86_64 slice implements it first).
 * F is the core_entry field of its thread info; arch-free code uses the default, every field.
 */
export interface ArchRegs<F extends ThreadInfoField = ThreadInfoField> {
  /** core_entry.mtype ("X86_64"). */
  mtype: CoreEntryMarch;
  /** core_entry field holding the per-arch thread info message ("thread_info" on x86_64). */
  threadInfoField: F;
  readRegs(tid: number): RawRegs;
  writeRegs(tid: number, regs: RawRegs): void;
  /** The per-arch thread info message of a stopped thread; the caller sets clear_tid_addr. */
  threadInfo(tid: number, regs: RawRegs): ThreadInfoBody<F>;
  /** The reverse, for restore: raw register sets from the image's thread info. */
  regsFromThreadInfo(threadInfo: ThreadInfoOf<F>): RawRegs;
  ip(regs: RawRegs): bigint;
  sp(regs: RawRegs): bigint;
  /** Bytes of the syscall instruction (searched for in the vDSO for injected syscalls). */
  syscallInsn: Buffer;
  /** Instructions start at multiples of this (1 where lengths vary, as on x86). */
  insnAlign: number;
  /** Registers that run syscall nr(args) at ip, where a syscall instruction lies. */
  syscallRegs(regs: RawRegs, ip: bigint, nr: number, args: bigint[]): RawRegs;
  /** Return value (negative errno) of the syscall just run. */
  syscallResult(regs: RawRegs): bigint;
  /**
   * An address for `size` bytes of scratch on the thread's stack that no live data uses
   * (below the stack pointer and any red zone), for the output of injected syscalls.
   */
  stackScratch(regs: RawRegs, size: number): bigint;
  /** Registers that start a blob: pc at entry, stack pointer sp, first argument arg, no syscall restart. */
  blobCallRegs(regs: RawRegs, entry: bigint, sp: bigint, arg: bigint): RawRegs;
  /**
   * The registers to save in an image: a syscall the thread was stopped in is set up the
   * way the kernel would restart it (a sigreturn-based restore bypasses the kernel's own
   * restart logic).
   */
  checkpointRegs(regs: RawRegs): RawRegs;
}

/** The signal state an rt_sigframe carries besides the registers. */
export interface SigframeInput {
  sigmask: bigint;
  /** sigaltstack of the thread; absent means disabled. */
  altstack?: { sp: bigint; size: bigint; flags: number };
}

/** A register set only a tracer can write (PTRACE_SETREGSET of note `note`). */
export interface TracerRegset {
  note: number;
  /** Its name, for messages ("NT_ARM_PACA_KEYS"). */
  name: string;
  data: Buffer;
}

/** What restore needs of this CPU besides the registers (the x86_64 slice implements it first); F as in ArchRegs. */
export interface ArchRestorer<F extends ThreadInfoField = ThreadInfoField> {
  /** File name of the restorer blob in arch/<arch>/build/. */
  blob: string;
  /** End of the user address space: the restorer unmaps [0, taskSize) but what it keeps. */
  taskSize: bigint;
  /** Bytes of an rt_sigframe whose FPU state is fpBytes long. */
  sigframeSize(fpBytes: number): number;
  /** The rt_sigframe resuming these registers, to place at `at` (64-aligned); sp is what rt_sigreturn wants. */
  buildSigframe(regs: RawRegs, f: SigframeInput, at: bigint): { bytes: Buffer; sp: bigint };
  /** Thread-pointer registers the sigframe lacks (rst_args.tls). */
  tlsRegisters(regs: RawRegs): [bigint, bigint];
  /**
   * Per-process state that neither the blob nor the sigframe can set, from a thread's info
   * in the image: register sets criu-ts puts back by ptrace while the blob waits, before
   * the task creates its other threads (which inherit them). Absent or empty: nothing to do.
   */
  tracerRegsets?(threadInfo: ThreadInfoOf<F>): TracerRegset[];
}

/** The SOL_SOCKET options whose numbers some arches define their own way. */
export type ArchSocketOption = 'SO_RCVLOWAT' | 'SO_SNDLOWAT' | 'SO_RCVTIMEO' | 'SO_SNDTIMEO' | 'SO_PASSCRED' | 'SO_PEERCRED';

/** Byte offsets of struct termios' fields after the four u32 flag words (which lead on every arch). */
export interface TermiosLayout {
  size: number;
  c_line: number;
  /** c_cc[NCCS] starts here (NCCS is 19 on every arch criu-ts knows). */
  c_cc: number;
  c_ispeed: number;
  c_ospeed: number;
}

/** The terminal ioctls criu-ts makes and the termios struct they move. */
export interface TtyAbi {
  /** Reads and sets (TCSANOW) termios with its speeds: TCGETS2/TCSETS2 on asm-generic, TCGETS/TCSETS on powerpc. */
  getTermios: number;
  setTermios: number;
  /** TIOCGLCKTRMIOS, TIOCSLCKTRMIOS. */
  getLockedTermios: number;
  setLockedTermios: number;
  /** TIOCGWINSZ, TIOCSWINSZ (struct winsize: four u16). */
  getWinsize: number;
  setWinsize: number;
  /** The struct getTermios fills (asm-generic: struct termios2). */
  termios: TermiosLayout;
  /** Bytes of that struct the locked-termios ioctls move (asm-generic's struct termios has no speeds). */
  lockedSize: number;
  pty: PtyIoctls;
  /** ICANON and IEXTEN of c_lflag (powerpc numbers its flags differently). */
  lflag: { ICANON: number; IEXTEN: number };
  /** The c_cc slots of the characters that end lines, and VMIN/VTIME (their order differs on powerpc). */
  cc: { VEOF: number; VEOL: number; VEOL2: number; VMIN: number; VTIME: number };
}

/** The ioctls of a pseudo-terminal pair. */
export interface PtyIoctls {
  /** TIOCGPTN: the pair's index (N of /dev/pts/N), asked of the master. */
  getIndex: number;
  /** TIOCGPTLCK, TIOCSPTLCK: the lock that keeps the slave from being opened. */
  getLock: number;
  setLock: number;
  /** TIOCGPKT, TIOCPKT: the master's packet mode. */
  getPacket: number;
  setPacket: number;
  /** TIOCGEXCL, TIOCEXCL: exclusive mode (no further opens). */
  getExclusive: number;
  setExclusive: number;
  /** TIOCGPTPEER: opens the master's slave (flags as open's) and returns the fd. */
  openPeer: number;
}

export interface ArchDescriptor {
  name: ArchName;
  /** Node's process.arch on this CPU (e.g. "x64", not always the arch's own name). */
  nodeArch: string;
  /** Debian's architecture name (e.g. "ppc64el"). */
  debianArch: string;
  /** GNU triple; the cross compiler is `${triple}-gcc`. */
  triple: string;
  littleEndian: boolean;
  /** ELF e_machine of the target (CRIU's inventory and our checks use it). */
  elfMachine: number;
  /**
   * Most auxv words an mm image carries: CRIU's AT_VECTOR_SIZE of this arch, which it reads
   * from /proc/PID/auxv and refuses to exceed on restore (the kernel keeps more).
   */
  savedAuxvWords: number;
  /** Linux syscall numbers for this arch, by name. */
  syscalls: Readonly<Record<string, number>>;
  /** FIONREAD (= SIOCINQ) and TIOCOUTQ (= SIOCOUTQ) where they are not asm-generic's (powerpc). */
  queueIoctls?: Readonly<{ FIONREAD: number; TIOCOUTQ: number }>;
  /** MAP_NORESERVE where it is not asm-generic's 0x4000 (powerpc: 0x40). */
  mapNoreserve?: number;
  /** MAP_LOCKED where it is not asm-generic's 0x2000 (powerpc: 0x80). */
  mapLocked?: number;
  /** SOL_SOCKET option numbers where this arch departs from the generic ones (powerpc does). */
  socketOptions?: Readonly<Partial<Record<ArchSocketOption, number>>>;
  /** Terminal ioctls and termios layout where they are not asm-generic's (powerpc). */
  tty?: Readonly<TtyAbi>;
  /** Register handling for dump/restore; absent on arches that cannot checkpoint yet. */
  regs?: ArchRegs;
  /** Restore support; absent on arches that cannot restore yet. */
  restorer?: ArchRestorer;
  /** How to boot a full-system guest of this arch; absent for the host-only run. */
  qemu?: QemuGuest;
}
