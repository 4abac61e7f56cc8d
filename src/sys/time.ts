// Clock ids of <time.h> (the same on every arch we support).
export const CLOCK_MONOTONIC = 1;
export const CLOCK_BOOTTIME = 7;
