// Clock ids of <time.h> (the same on every arch we support).
export const CLOCK_MONOTONIC = 1;
export const CLOCK_BOOTTIME = 7;

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for ms milliseconds without yielding to the event loop. */
export function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}
