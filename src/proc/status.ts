// /proc/PID/status: "Key:\tvalue" lines, with typed accessors for what the dumper uses.
export interface ProcStatus {
  name: string;
  umask: number;
  state: string;
  tgid: number;
  pid: number;
  ppid: number;
  /** Real, effective, saved, filesystem. */
  uid: [number, number, number, number];
  gid: [number, number, number, number];
  groups: number[];
  /** PIDs of this task from the outermost pid namespace inwards. */
  nspid: number[];
  threads: number;
  sigPnd: bigint;
  shdPnd: bigint;
  sigBlk: bigint;
  sigIgn: bigint;
  sigCgt: bigint;
  capInh: bigint;
  capPrm: bigint;
  capEff: bigint;
  capBnd: bigint;
  capAmb: bigint;
  noNewPrivs: number;
  seccomp: number;
  /** Cpus_allowed as 64-bit words, CPU 0 the low bit of the first (sched_setaffinity's layout). */
  cpusAllowed: bigint[];
}

/** "ff,00000001": 32-bit hex groups, most significant first, to 64-bit words, least first. */
export function cpuMaskWords(text: string): bigint[] {
  const groups = text.split(',').reverse().map((g) => {
    if (!/^[0-9a-f]{1,8}$/i.test(g)) throw new Error(`criu-ts: malformed CPU mask ${JSON.stringify(text)}`);
    return BigInt('0x' + g);
  });
  const words: bigint[] = [];
  for (let i = 0; i < groups.length; i += 2) words.push(groups[i]! | ((groups[i + 1] ?? 0n) << 32n));
  return words;
}

export function parseStatus(text: string): ProcStatus {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) kv.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const get = (k: string): string => {
    const v = kv.get(k);
    if (v === undefined) throw new Error(`criu-ts: /proc status lacks "${k}"`);
    return v;
  };
  const ints = (k: string): number[] => get(k).split(/\s+/).filter(Boolean).map(Number);
  const quad = (k: string): [number, number, number, number] => {
    const v = ints(k);
    if (v.length !== 4) throw new Error(`criu-ts: /proc status "${k}" has ${v.length} values, expected 4`);
    return [v[0]!, v[1]!, v[2]!, v[3]!];
  };
  const hex = (k: string): bigint => BigInt('0x' + get(k));
  return {
    name: get('Name'), umask: parseInt(get('Umask'), 8), state: get('State').charAt(0),
    tgid: Number(get('Tgid')), pid: Number(get('Pid')), ppid: Number(get('PPid')),
    uid: quad('Uid'), gid: quad('Gid'), groups: kv.has('Groups') ? ints('Groups') : [],
    nspid: kv.has('NSpid') ? ints('NSpid') : [Number(get('Pid'))], threads: Number(get('Threads')),
    sigPnd: hex('SigPnd'), shdPnd: hex('ShdPnd'), sigBlk: hex('SigBlk'), sigIgn: hex('SigIgn'), sigCgt: hex('SigCgt'),
    capInh: hex('CapInh'), capPrm: hex('CapPrm'), capEff: hex('CapEff'), capBnd: hex('CapBnd'),
    capAmb: kv.has('CapAmb') ? hex('CapAmb') : 0n,
    noNewPrivs: kv.has('NoNewPrivs') ? Number(get('NoNewPrivs')) : 0,
    seccomp: kv.has('Seccomp') ? Number(get('Seccomp')) : 0,
    cpusAllowed: cpuMaskWords(get('Cpus_allowed')),
  };
}
