// Reads a guest's console log and says, in one line, why a run went wrong (or that it did not).
import { GUEST_MARK } from './init-script.js';

export interface GuestOutcome {
  /** The console text captured so far. */
  console: string;
  /** How the wait ended: QEMU exited, the boot marker never came, or the whole run took too long. */
  ended: 'exited' | 'boot-timeout' | 'timeout' | 'stalled';
  /** Seconds of the limit that was hit (for the message). */
  limitSeconds?: number;
  /** Exit status of the guest command, from the status file, if it was written. */
  status?: number;
}

/** The line the zdtm runner prints for each finished test ("[12/65] pipe00: pass (3.1 s)"). */
export const RESULT_LINE = /^\[\d+\/\d+\] /;

function lastLine(text: string, re: RegExp): string | undefined {
  const lines = text.split(/\r?\n/).filter((l) => re.test(l));
  return lines.length ? lines[lines.length - 1]!.trim() : undefined;
}

function markLine(text: string, word: string): string | undefined {
  return lastLine(text, new RegExp(`${GUEST_MARK} ${word}(\\s|$)`));
}

/** The command's last line of output before the exit marker. */
function lastOutput(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const ready = lines.findIndex((l) => l.includes(`${GUEST_MARK} ready`));
  const exit = lines.findIndex((l) => l.includes(`${GUEST_MARK} exit`));
  const kernelLine = /^\[\s*\d+\.\d+\]/;
  const out = lines
    .slice(ready + 1, exit < 0 ? undefined : exit)
    .filter((l) => l.trim() && !kernelLine.test(l) && !l.includes(GUEST_MARK));
  return out.length ? out[out.length - 1]!.trim() : undefined;
}

/** The guest's exit status as printed on the console, when the status file is missing. */
export function consoleStatus(text: string): number | undefined {
  const m = /criu-ts-guest: exit (\d+)/.exec(markLine(text, 'exit') ?? '');
  return m ? Number(m[1]) : undefined;
}

/** undefined when the guest command ran and exited 0; else one line naming the failure. */
export function failureReason(o: GuestOutcome): string | undefined {
  const text = o.console;
  const panic = lastLine(text, /Kernel panic|kernel BUG at|Oops:/);
  const initError = markLine(text, 'error:');
  const booted = markLine(text, 'init') !== undefined;
  const started = markLine(text, 'ready') !== undefined;
  const status = o.status ?? consoleStatus(text);
  if (initError) return `guest init failed: ${initError.slice(initError.indexOf('error:') + 7)}`;
  if (panic) return `guest kernel crashed: ${panic.replace(/^\[[^\]]*\]\s*/, '')}`;
  if (!booted) {
    if (o.ended === 'exited') {
      const qemuSays = lastLine(text, /^qemu-system-\S+: /);
      return `guest kernel did not boot: ${qemuSays ? qemuSays.slice(0, 200) : 'QEMU exited before init started'}`;
    }
    return `guest kernel did not boot: no init marker within ${o.limitSeconds ?? '?'} s`;
  }
  if (o.ended === 'stalled') {
    const last = lastLine(text, RESULT_LINE);
    return `guest stalled: no test result for ${o.limitSeconds ?? '?'} s (${last ? `last: ${last}` : 'none yet'}); its tasks are in the console log`;
  }
  if (o.ended === 'timeout') {
    return `guest hung: ${started ? 'the command' : 'init'} still running after ${o.limitSeconds ?? '?'} s`;
  }
  if (!started) return 'guest init stopped before starting the command';
  if (status === undefined) return 'guest powered off without reporting an exit status';
  if (status !== 0) {
    const last = lastOutput(text);
    return `guest command exited with status ${status}${last ? ` (last output: ${last})` : ''}`;
  }
  return undefined;
}
