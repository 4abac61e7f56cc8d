// /proc/PID/stat (and task/TID/stat): the fields the dumper uses, by proc(5) numbering.
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** Device number of the controlling terminal (0: none). */
  ttyNr: number;
  /** Foreground process group of the controlling terminal (-1: none). */
  tpgid: number;
  flags: number;
  nice: number;
  numThreads: number;
  startCode: bigint;
  endCode: bigint;
  startStack: bigint;
  exitSignal: number;
  rtPriority: number;
  /** Scheduling policy (SCHED_*). */
  policy: number;
  startData: bigint;
  endData: bigint;
  startBrk: bigint;
  argStart: bigint;
  argEnd: bigint;
  envStart: bigint;
  envEnd: bigint;
  exitCode: number;
}

export function parseStat(text: string): ProcStat {
  // comm may hold spaces and parentheses: it ends at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`criu-ts: malformed /proc stat: ${JSON.stringify(text.slice(0, 80))}`);
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number): string => {
    const v = rest[n - 3];
    if (v === undefined) throw new Error(`criu-ts: /proc stat has no field ${n}`);
    return v;
  };
  const num = (n: number) => Number(field(n));
  const big = (n: number) => BigInt(field(n));
  return {
    pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), state: field(3),
    ppid: num(4), pgid: num(5), sid: num(6), ttyNr: num(7), tpgid: num(8), flags: num(9), nice: num(19), numThreads: num(20),
    startCode: big(26), endCode: big(27), startStack: big(28), exitSignal: num(38), rtPriority: num(40), policy: num(41),
    startData: big(45), endData: big(46), startBrk: big(47), argStart: big(48), argEnd: big(49),
    envStart: big(50), envEnd: big(51), exitCode: num(52),
  };
}
