// The report pipe: each new task writes one struct rst_report (arch/common/restorer.h)
// when it is restored, or when a step fails just before it exits, naming the syscall
// that failed with its arguments. EOF before a report means a task died without saying why.
import fs from 'node:fs';
import os from 'node:os';
import { restorerLayout, structOf } from '../blob/struct-layout.js';
import { hostOrder, type ByteOrder } from '../sys/host-order.js';

/** A syscall as the failing task made it. */
export interface FailedCall {
  name: string;
  args: bigint[];
}

export interface Report {
  pid: number;
  /** 0 when restored; otherwise the RST_STEP_ that failed. */
  step: number;
  errno: number;
  /** The syscall that failed, when the step failed on one (not on a check of its own). */
  call?: FailedCall;
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
  return parseReport(buf);
}

/** A struct rst_report as the task wrote it. */
export function parseReport(buf: Buffer, order: ByteOrder = hostOrder): Report {
  const f = structOf(restorerLayout(), 'rst_report').fields;
  const at = (name: string): number => f.get(name)!.offset;
  const report: Report = { pid: order.readU32(buf, at('pid')), step: order.readU32(buf, at('step')), errno: order.readI32(buf, at('err')) };
  const nargs = order.readU32(buf, at('nargs'));
  const nameField = buf.subarray(at('syscall'), at('syscall') + f.get('syscall')!.count);
  const end = nameField.indexOf(0);
  const name = nameField.subarray(0, end < 0 ? undefined : end).toString('latin1');
  if (name) report.call = { name, args: Array.from({ length: Math.min(nargs, 6) }, (_, i) => order.readU64(buf, at('args') + 8 * i)) };
  return report;
}

/** An argument as a reader wants it: small numbers in decimal, -1 style errors signed, addresses in hex. */
function formatArg(v: bigint): string {
  const signed = BigInt.asIntN(64, v);
  if (signed < 0n && signed > -4096n) return `${signed}`;
  return v < 0x10000n ? `${v}` : `0x${v.toString(16)}`;
}

export function describeFailure(r: Report): string {
  const name = Object.entries(os.constants.errno).find(([, v]) => v === r.errno)?.[0];
  const err = `${name ?? 'errno'} (${r.errno})`;
  const call = r.call ? `${r.call.name}(${r.call.args.map(formatArg).join(', ')}) failed with ` : '';
  return `task ${r.pid} failed at ${stepName(r.step)}: ${call}${err}`;
}
