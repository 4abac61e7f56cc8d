// The fuzzer's long-lived child: restores each case directory it is sent, for real and detached,
// and answers with how it ended. It is a child subreaper, so whatever a restore created and left
// becomes its child: after each case it kills and reaps every child, and says which were alive
// after a refused restore (a failed restore must leave nothing behind).
import fs from 'node:fs';
import { restore } from '../../src/restore/index.js';
import { formatFatalError } from '../../src/cli/errors.js';
import { setChildSubreaper } from '../../src/sys/proc-ops.js';
import { wait, WNOHANG } from '../../src/sys/ptrace.js';

export interface CaseRequest {
  caseNo: number;
  dir: string;
}

export interface CaseReply {
  caseNo: number;
  /** Restored: the root's pid. */
  restored?: number;
  /** Refused: the line the command line would print, and the error's class. */
  line?: string;
  errorClass?: string;
  /** Pids that were alive after a refusal (left behind). */
  leftAlive: number[];
  ms: number;
}

function children(): number[] {
  const out: number[] = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const text = fs.readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim();
    if (text) out.push(...text.split(' ').map(Number));
  }
  return out;
}

const state = (pid: number): string | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Kills and reaps every child; returns those alive (not zombies) after graceMs. */
async function sweep(graceMs: number): Promise<number[]> {
  const alive = new Set<number>();
  for (let round = 0; round < 100; round++) {
    if (reapZombies() === 'none left') break; // the usual refusal: no /proc reads needed
    const kids = children();
    if (kids.length === 0) break;
    for (const pid of kids) {
      if (state(pid) !== 'Z') {
        if (graceMs > 0) await sleep(graceMs);
        if (state(pid) !== 'Z' && state(pid) !== undefined) alive.add(pid);
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const pid of kids) {
      try {
        wait(pid);
      } catch {
        /* reaped */
      }
    }
    reapZombies();
  }
  return [...alive];
}

/** Reaps every dead child; says whether any child, dead or alive, is left. */
function reapZombies(): 'none left' | 'some alive' {
  try {
    while (wait(-1, WNOHANG).kind !== 'none') {
      /* reap */
    }
    return 'some alive';
  } catch {
    return 'none left'; // ECHILD
  }
}

async function runCase(req: CaseRequest): Promise<CaseReply> {
  const t0 = performance.now();
  try {
    const r = await restore({ imagesDir: req.dir, detached: true });
    await sweep(0);
    return { caseNo: req.caseNo, restored: r.pid, leftAlive: [], ms: performance.now() - t0 };
  } catch (e) {
    const leftAlive = await sweep(50);
    return {
      caseNo: req.caseNo,
      line: formatFatalError(e, 2),
      errorClass: e instanceof Error ? e.constructor.name : typeof e,
      leftAlive,
      ms: performance.now() - t0,
    };
  }
}

setChildSubreaper();
process.on('disconnect', () => void sweep(0).then(() => process.exit(0)));
process.on('message', (req: CaseRequest) => {
  void runCase(req).then((reply) => process.send!(reply));
});
