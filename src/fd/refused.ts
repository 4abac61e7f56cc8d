// fd kinds criu-ts recognises but cannot dump yet: refused by name, so the user learns what
// stopped the dump (and the tree runs on). Each leaves the table once it has both halves.
import type { FdTypes } from '../images/entries.js';
import type { FdKind } from './kind.js';

/** /dev/net/tun: character device 10:200. */
const TUN_RDEV = (10 << 8) | 200;

const anon = (name: string) => (link: string) => link === `anon_inode:${name}`;

function refused(type: FdTypes, what: string, matches: (link: string) => boolean): FdKind {
  return { type, refuse: { what, matches: (fd) => matches(fd.link) } };
}

export const refusals: readonly FdKind[] = [
  refused('BPFMAP', 'a BPF map', anon('bpf-map')),
  { type: 'TUNF', refuse: { what: 'a tun/tap device', matches: (fd) => fd.link.startsWith('/') && fd.stat().isCharacterDevice() && fd.stat().rdev === TUN_RDEV } },
  { type: 'EXT', refuse: { what: 'an external file (made by a CRIU plugin)' } },
  // Not fd_types of the image format at all: named so that the refusal is clear.
  refused('UND', 'a userfaultfd', anon('[userfaultfd]')),
  refused('UND', 'an io_uring instance', anon('[io_uring]')),
];
