// The kernel's page size: 4 KiB on most kernels, 64 KiB on Debian's ppc64el. Pagemap
// entries, page images and mapping boundaries all count in it.
import { addon } from './native.js';

export const PAGE_SIZE: number = addon<{ pageSize(): number }>().pageSize();
