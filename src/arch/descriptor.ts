// The contract between arch-free code and arch/<arch>/. Everything that differs between
// CPUs is reached through one ArchDescriptor; adding an arch is adding one folder that
// exports a value of this type (and registering it in ./index.ts).
//
// Owners of the x86_64 slice extend this interface as they need (add fields; never
// rename). Every arch folder then implements the new fields.

export type ArchName = 'x86_64' | 'aarch64' | 's390x' | 'ppc64le';

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
}

export interface ArchDescriptor {
  name: ArchName;
  /** Node's process.arch on this CPU ("x64", "arm64", "s390x", "ppc64"). */
  nodeArch: string;
  /** Debian's architecture name ("amd64", "arm64", "s390x", "ppc64el"). */
  debianArch: string;
  /** GNU triple; the cross compiler is `${triple}-gcc`. */
  triple: string;
  littleEndian: boolean;
  /** ELF e_machine of the target (CRIU's inventory and our checks use it). */
  elfMachine: number;
  /** Linux syscall numbers for this arch, by name. */
  syscalls: Readonly<Record<string, number>>;
  /** How to boot a full-system guest of this arch; absent for the host-only run. */
  qemu?: QemuGuest;
}
