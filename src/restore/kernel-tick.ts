// The kernel's timer tick (1/CONFIG_HZ), read from /proc/config.gz; 0 when it cannot be told.
import fs from 'node:fs';
import zlib from 'node:zlib';

let cached: bigint | undefined;

export function tickUs(): bigint {
  if (cached === undefined) {
    cached = 0n;
    try {
      const config = zlib.gunzipSync(fs.readFileSync('/proc/config.gz')).toString('latin1');
      const hz = /^CONFIG_HZ=(\d+)$/m.exec(config)?.[1];
      if (hz) cached = 1_000_000n / BigInt(hz);
    } catch {
      /* no config exposed: CPU itimers come back one tick long */
    }
  }
  return cached;
}
