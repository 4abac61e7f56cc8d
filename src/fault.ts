// Fault injection for testing failure paths: CRIU_TS_FAULT=<point> makes the named step
// throw. Every point is listed here so `criu-ts check --fault-points` can print them and a
// test can walk them all. Add a point here, then call injectFault() at that step.
export const faultPoints = {
  // Dump side (in order of the dump's steps).
  // Restore side.
} as const satisfies Record<string, string>;

export type FaultPoint = keyof typeof faultPoints;

export class InjectedFault extends Error {
  constructor(readonly point: string) {
    super(`injected fault at ${point} (CRIU_TS_FAULT)`);
  }
}

/** Throws InjectedFault when CRIU_TS_FAULT names this point. */
export function injectFault(point: FaultPoint): void {
  if (process.env['CRIU_TS_FAULT'] === point) throw new InjectedFault(point);
}
