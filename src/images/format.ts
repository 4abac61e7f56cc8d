// Numbers the image format itself defines (CRIU's values, not the kernel's): VMA status
// bits (vma_entry.status), task states (task_core_entry.task_state) and pagemap entry flags.
export const VMA = {
  AREA_REGULAR: 1 << 0,
  AREA_STACK: 1 << 1,
  AREA_VSYSCALL: 1 << 2,
  AREA_VDSO: 1 << 3,
  AREA_HEAP: 1 << 5,
  FILE_PRIVATE: 1 << 6,
  FILE_SHARED: 1 << 7,
  ANON_SHARED: 1 << 8,
  ANON_PRIVATE: 1 << 9,
  AREA_SYSVIPC: 1 << 10,
  AREA_VVAR: 1 << 12,
  AREA_MEMFD: 1 << 14,
} as const;

export const TASK_ALIVE = 1;
export const TASK_DEAD = 2;
export const TASK_STOPPED = 3;

/** pagemap_entry.flags: the pages are in the parent image set / in this image's pages file. */
/** inventory_entry.img_version of the images we write (CRIU's current one). */
export const IMG_VERSION = 2;

export const PE_PARENT = 1 << 0;
export const PE_PRESENT = 1 << 2;
