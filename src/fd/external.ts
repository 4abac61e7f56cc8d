// criu's --external (and RPC external): resources outside the tree that it may hold. criu-ts
// takes terminals yet, tty[RDEV:DEV] (hex st_rdev and st_dev of the slave): a pty slave whose
// master is elsewhere (a container runtime's console), handed back on restore with
// --inherit-fd fd[N]:tty[RDEV:DEV]. criu's other kinds are recognised and not supported yet.
import { ttyKey } from './tty.js';

const OTHER_KINDS = /^(mnt|file|unix|net|dev|veth|macvlan|pid|ipc|uts|cgroup|time)\[/;

/** The key of an --external value in the spelling keys are matched in; `unsupported` for criu's other kinds, else undefined (a malformed value). */
export function externalKey(value: string): string | 'unsupported' | undefined {
  const tty = /^tty\[([0-9a-f]+):([0-9a-f]+)\]$/i.exec(value);
  if (tty) return ttyKey(parseInt(tty[1]!, 16), parseInt(tty[2]!, 16));
  return OTHER_KINDS.test(value) ? 'unsupported' : undefined;
}
