// The report pipe: each new task writes one struct rst_report (arch/common/restorer.h)
// when it is restored, or when a step fails just before it exits. EOF before a report
// means a task died without saying why.
import fs from 'node:fs';
import os from 'node:os';
import { readStruct, restorerLayout, structOf } from '../blob/struct-layout.js';

export interface Report {
  pid: number;
  /** 0 when restored; otherwise the RST_STEP_ that failed. */
  step: number;
  errno: number;
}

/** RST_STEP_* number -> readable name ("VMA_MAP"). */
export function stepName(step: number): string {
  for (const [name, v] of restorerLayout().constants) if (name.startsWith('RST_STEP_') && Number(v) === step) return name.slice(9);
  return `step ${step}`;
}

function readOnce(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n))));
}

/** The next report, or undefined at EOF (every writer gone without a word). Rejects on timeout. */
export async function nextReport(fd: number, timeoutMs: number): Promise<Report | undefined> {
  const size = structOf(restorerLayout(), 'rst_report').size;
  const buf = Buffer.alloc(size);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`criu-ts: no word from the restored task within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    let got = 0;
    while (got < size) {
      const n = await Promise.race([readOnce(fd, buf.subarray(got)), timeout]);
      if (n === 0) return undefined;
      got += n;
    }
  } finally {
    clearTimeout(timer);
  }
  const r = readStruct(restorerLayout(), 'rst_report', buf);
  return { pid: r.u32('pid'), step: r.u32('step'), errno: r.s32('err') };
}

export function describeFailure(r: Report): string {
  const name = Object.entries(os.constants.errno).find(([, v]) => v === r.errno)?.[0];
  return `task ${r.pid} failed at ${stepName(r.step)}: ${name ?? 'errno'} (${r.errno})`;
}
