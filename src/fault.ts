// Fault injection for testing failure paths: CRIU_TS_FAULT=<point> makes the named step
// throw. Every point is listed here so `criu-ts check --fault-points` can print them and a
// test can walk them all. Add a point here, then call injectFault() at that step.
import { sleepMs } from './sys/time.js';

export const faultPoints = {
  // Dump side (in order of the dump's steps).
  'dump-seized': 'after every thread of the tree is seized and stopped',
  'dump-regs': 'after reading every thread\'s registers',
  'dump-infected': 'while the parasite runs in the task\'s main thread',
  'dump-memory-mid': 'after the first batch of pages is written',
  'dump-files': 'after the fd tables are dumped',
  'dump-images-written': 'after every image is written, before the tree is released',
  'dump-before-kill': 'after a successful dump, before the tree is killed',
  // Restore side.
  'restore-images': 'after reading the image directory',
  'restore-plan': 'after planning every task, before anything is opened',
  'restore-open-files': "after opening the tasks' files, before any task exists",
  'restore-task-created': 'right after the task was cloned with its PID',
  'restore-child-fds': 'in the new task, when its fds are put in place',
  'restore-blob-pages': 'in the restorer blob, with the old memory gone, when pages are read',
  'restore-blob-finish': 'in the restorer blob, just before it reports success',
} as const satisfies Record<string, string>;

export type FaultPoint = keyof typeof faultPoints;

export class InjectedFault extends Error {
  constructor(readonly point: string) {
    super(`injected fault at ${point} (CRIU_TS_FAULT)`);
  }
}

/**
 * Throws InjectedFault when CRIU_TS_FAULT names this point. CRIU_TS_FAULT_HANG=<point>
 * blocks the process there instead (no event-loop turn), so a test can SIGKILL it mid-step.
 */
export function injectFault(point: FaultPoint): void {
  if (process.env['CRIU_TS_FAULT_HANG'] === point) {
    process.stderr.write(`criu-ts: hanging at ${point} (CRIU_TS_FAULT_HANG)\n`);
    for (;;) sleepMs(1000);
  }
  if (process.env['CRIU_TS_FAULT'] === point) throw new InjectedFault(point);
}
