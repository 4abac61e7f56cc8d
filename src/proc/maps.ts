// /proc/PID/smaps (and maps): one record per VMA. Addresses stay bigint because the
// [vsyscall] page sits above 2^53.
export interface Vma {
  start: bigint;
  end: bigint;
  read: boolean;
  write: boolean;
  exec: boolean;
  /** 's' in the perms column: MAP_SHARED. */
  shared: boolean;
  /** File offset in bytes. */
  offset: bigint;
  devMajor: number;
  devMinor: number;
  inode: number;
  /** Path or pseudo-name ("[heap]", "[vdso]", "/memfd:x (deleted)"); "" for anonymous. */
  name: string;
  /** Two-letter VmFlags from smaps ("rd", "gd", "sd", ...); empty when parsed from maps. */
  vmFlags: string[];
  /** smaps "Rss" and "Swap" in kB (0 from maps). */
  rssKb: number;
  swapKb: number;
}

const header = /^([0-9a-f]+)-([0-9a-f]+) ([r-])([w-])([x-])([ps]) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$/;

/** Parses the text of /proc/PID/maps or /proc/PID/smaps. */
export function parseMaps(text: string): Vma[] {
  const out: Vma[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = header.exec(line);
    if (m) {
      out.push({
        start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]),
        read: m[3] === 'r', write: m[4] === 'w', exec: m[5] === 'x', shared: m[6] === 's',
        offset: BigInt('0x' + m[7]), devMajor: parseInt(m[8]!, 16), devMinor: parseInt(m[9]!, 16),
        inode: Number(m[10]), name: m[11] ?? '', vmFlags: [], rssKb: 0, swapKb: 0,
      });
      continue;
    }
    const last = out[out.length - 1];
    if (!last) throw new Error(`criu-ts: maps: unexpected line before any VMA: ${JSON.stringify(line)}`);
    if (line.startsWith('VmFlags:')) last.vmFlags = line.slice(8).trim().split(/\s+/).filter(Boolean);
    else if (line.startsWith('Rss:')) last.rssKb = parseInt(line.slice(4), 10);
    else if (line.startsWith('Swap:')) last.swapKb = parseInt(line.slice(5), 10);
  }
  return out;
}
