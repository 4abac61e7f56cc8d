// Register sets only a tracer can write (the arch's tracerRegsets; arm64's PAC keys). The
// blob of a task that has any reports RST_WAIT_TRACER and sleeps on rst_args.tracer_done;
// we seize it, write them, raise the flag and detach. Synchronous from seize to detach:
// the JS main thread is the tracer, and no event-loop turn may pass in between.
import type { TracerRegset } from '../arch/descriptor.js';
import { writeMemory } from '../sys/memory.js';
import { writeU32 } from '../sys/host-order.js';
import { cont, detach, interrupt, PTRACE_EVENT_STOP, seize, setRegset, wait } from '../sys/ptrace.js';

/** Should we die while it is seized, the task dies too instead of running on half restored. */
const PTRACE_O_EXITKILL = 0x100000;

/**
 * Writes `regsets` into task `pid`, then 1 (a u32) at `doneAddr`, and lets it go. On any
 * failure the task is left detached and still waiting (the caller kills the tree).
 */
export function putBackTracerRegsets(pid: number, regsets: TracerRegset[], doneAddr: bigint): void {
  seize(pid, PTRACE_O_EXITKILL);
  let stopped = false;
  try {
    interrupt(pid);
    for (;;) {
      const s = wait(pid);
      if (s.kind !== 'stopped') throw new Error(`criu-ts: task ${pid} ended while waiting for its registers (${s.kind})`);
      if (s.event === PTRACE_EVENT_STOP) break;
      cont(pid, s.signal); // a signal on its way: pass it on; the interrupt stop comes after
    }
    stopped = true;
    for (const r of regsets) {
      try {
        setRegset(pid, r.note, r.data);
      } catch (e) {
        throw new Error(`criu-ts: task ${pid}: setting ${r.name}: ${(e as Error).message}`);
      }
    }
    const one = Buffer.alloc(4);
    writeU32(one, 1, 0);
    writeMemory(pid, Number(doneAddr), one);
  } catch (e) {
    if (stopped) {
      try {
        detach(pid);
      } catch {
        /* it is killed with the tree anyway */
      }
    }
    throw e;
  }
  detach(pid);
}
