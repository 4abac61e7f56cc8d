// /proc/PID/timers: the task's POSIX timers (id, signal, notification, clock).
export interface PosixTimerInfo {
  id: number;
  signal: number;
  sivalPtr: bigint;
  /** sigev_notify: SIGEV_SIGNAL 0, SIGEV_NONE 1, SIGEV_THREAD 2, | SIGEV_THREAD_ID 4 when aimed at a thread. */
  sigevNotify: number;
  /** The pid (or tid, with SIGEV_THREAD_ID) the notification goes to. */
  notifyPid: number;
  clockId: number;
}

const notifyKinds = ['signal', 'none', 'thread'];
const SIGEV_THREAD_ID = 4;

export function parsePosixTimers(text: string): PosixTimerInfo[] {
  const out: PosixTimerInfo[] = [];
  let cur: Partial<PosixTimerInfo> | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === 'ID') {
      cur = { id: Number(value) };
      out.push(cur as PosixTimerInfo);
    } else if (!cur) {
      throw new Error(`criu-ts: /proc timers: "${key}" before any ID`);
    } else if (key === 'signal') {
      const [sig, ptr] = value.split('/');
      cur.signal = Number(sig);
      cur.sivalPtr = BigInt('0x' + (ptr ?? '0'));
    } else if (key === 'notify') {
      // "<signal|none|thread>/<pid|tid>.<n>"
      const m = /^(\w+)\/(pid|tid)\.(\d+)$/.exec(value);
      const base = m ? notifyKinds.indexOf(m[1]!) : -1;
      if (!m || base < 0) throw new Error(`criu-ts: /proc timers: bad notify ${JSON.stringify(value)}`);
      cur.sigevNotify = base | (m[2] === 'tid' ? SIGEV_THREAD_ID : 0);
      cur.notifyPid = Number(m[3]);
    } else if (key === 'ClockID') {
      cur.clockId = Number(value);
    }
  }
  return out;
}
