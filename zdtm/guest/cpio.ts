// A writer for the "newc" cpio format, the one the kernel unpacks as an initramfs.
// Only what an initramfs needs: directories, regular files, symlinks, character devices.

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function record(name: string, mode: number, body: Buffer, ino: number, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.from(name + '\0');
  // Fields in order: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check.
  const fields = [ino, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, body.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const header = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  const headLen = header.length + nameBytes.length;
  return Buffer.concat([header, nameBytes, Buffer.alloc(pad4(headLen)), body, Buffer.alloc(pad4(body.length))]);
}

/** The archive bytes; paths are relative to the root ("bin/busybox"), parents listed first. */
export function writeCpio(entries: CpioEntry[]): Buffer {
  const parts = entries.map((e, i) => {
    const ino = i + 1;
    const name = e.path.replace(/^\/+/, '');
    switch (e.kind) {
      case 'dir':
        return record(name, S_IFDIR | (e.mode ?? 0o755), Buffer.alloc(0), ino);
      case 'file':
        return record(name, S_IFREG | (e.mode ?? 0o644), e.data, ino);
      case 'symlink':
        return record(name, S_IFLNK | 0o777, Buffer.from(e.target), ino);
      case 'chardev':
        return record(name, S_IFCHR | (e.mode ?? 0o600), Buffer.alloc(0), ino, [e.major, e.minor]);
    }
  });
  parts.push(record('TRAILER!!!', 0, Buffer.alloc(0), 0));
  return Buffer.concat(parts);
}
