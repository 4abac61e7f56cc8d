// /proc/PID/fdinfo/FD: the common header (pos, flags, mnt_id, ino) plus any
// kind-specific lines kept as raw key/value pairs.
export interface FdInfo {
  pos: bigint;
  /** open(2) flags (the file is octal). */
  flags: number;
  mntId: number;
  ino: number;
  extra: Map<string, string>;
}

export function parseFdInfo(text: string): FdInfo {
  const info: FdInfo = { pos: 0n, flags: 0, mntId: -1, ino: 0, extra: new Map() };
  let sawFlags = false;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === 'pos') info.pos = BigInt(value);
    else if (key === 'flags') { info.flags = parseInt(value, 8); sawFlags = true; }
    else if (key === 'mnt_id') info.mntId = Number(value);
    else if (key === 'ino') info.ino = Number(value);
    else info.extra.set(key, value);
  }
  if (!sawFlags) throw new Error(`criu-ts: fdinfo without flags: ${JSON.stringify(text.slice(0, 80))}`);
  return info;
}

/**
 * The repeated per-item lines of an fdinfo file (epoll "tfd:", inotify "inotify wd:"),
 * those whose first word is `lead`, as key -> raw value maps.
 */
export function fdInfoRecords(text: string, lead: string): Map<string, string>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(lead))
    .map((line) => new Map([...line.matchAll(/([\w-]+):\s*(\S+)/g)].map((m) => [m[1]!, m[2]!])));
}
