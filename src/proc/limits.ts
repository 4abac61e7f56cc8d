// /proc/PID/limits: soft and hard limits in RLIMIT_* order (the kernel prints them so).
export const RLIM_INFINITY = 0xffffffffffffffffn;

export interface Rlimit {
  cur: bigint;
  max: bigint;
}

export function parseLimits(text: string): Rlimit[] {
  const out: Rlimit[] = [];
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (const line of lines.slice(1)) {
    // Columns are fixed width: name (26), soft (21), hard (21), units.
    const soft = line.slice(26, 47).trim();
    const hard = line.slice(47, 68).trim();
    const value = (v: string): bigint => {
      if (v === 'unlimited') return RLIM_INFINITY;
      if (!/^\d+$/.test(v)) throw new Error(`criu-ts: /proc limits: bad value ${JSON.stringify(v)} in ${JSON.stringify(line)}`);
      return BigInt(v);
    };
    out.push({ cur: value(soft), max: value(hard) });
  }
  return out;
}
