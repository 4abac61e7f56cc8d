// The network lock of established connections (CRIU's --network-lock iptables, for a tree in
// our network namespace): between the dump killing the tree and the restore rebuilding a
// connection, no socket owns its addresses, so the next packet from the peer (a request, even
// a delayed ACK) would be answered with a reset and the peer would drop the connection. Each
// connection gets a rule dropping what its peer sends until the restore has the socket back:
// the peer's retransmissions then find it. The rules carry the comment "criu-ts".
import { spawnSync } from 'node:child_process';
import type { Logger } from '../log.js';
import { AF_INET6 } from '../sys/socket.js';

export type NetworkLockMethod = 'iptables' | 'skip';
export const NETWORK_LOCK_METHODS: readonly NetworkLockMethod[] = ['iptables', 'skip'];

/** One established connection as seen from the dumped socket. */
export interface Connection {
  family: number;
  local: Buffer;
  localPort: number;
  remote: Buffer;
  remotePort: number;
}

function addressText(family: number, a: Buffer): string {
  if (family !== AF_INET6) return [...a.subarray(0, 4)].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(a.readUInt16BE(i).toString(16));
  return words.join(':');
}

/** The rule (after -I/-D CHAIN) that drops what the peer of c sends to it. */
export function dropRule(c: Connection): string[] {
  return [
    'INPUT', '-p', 'tcp',
    '-s', addressText(c.family, c.remote), '--sport', String(c.remotePort),
    '-d', addressText(c.family, c.local), '--dport', String(c.localPort),
    '-m', 'comment', '--comment', 'criu-ts', '-j', 'DROP',
  ];
}

type Run = (tool: string, args: string[]) => { ok: boolean; missing: boolean; error: string };

const runTool: Run = (tool, args) => {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: r.status === 0, missing, error: missing ? `${tool} is not installed` : (r.stderr || r.error?.message || '').trim() };
};

const toolOf = (c: Connection): string => (c.family === AF_INET6 ? 'ip6tables' : 'iptables');

/**
 * Locks c. With the method asked for explicitly, a lock that cannot be taken fails the dump;
 * by default (iptables, not asked for) a missing tool only warns: the dump goes on unlocked.
 */
export function lockConnection(c: Connection, method: NetworkLockMethod, explicit: boolean, log: Logger, run: Run = runTool): void {
  if (method === 'skip') return;
  const r = run(toolOf(c), ['-w', '-I', ...dropRule(c)]);
  if (r.ok) return;
  const why = `cannot lock the connection ${addressText(c.family, c.local)}:${c.localPort} <-> ${addressText(c.family, c.remote)}:${c.remotePort}: ${r.error}`;
  if (explicit || !r.missing) throw new Error(`criu-ts: network lock: ${why}`);
  log.warn(`network lock: ${why}; a packet from its peer while the tree is down will reset it (install iptables, or pass --network-lock skip)`);
}

/** Takes c's rule away again (after a restore, or when the dumped tree runs on); absent rules are fine. */
export function unlockConnection(c: Connection, method: NetworkLockMethod, log: Logger, run: Run = runTool): void {
  if (method === 'skip') return;
  const r = run(toolOf(c), ['-w', '-D', ...dropRule(c)]);
  if (!r.ok) log.debug(`network unlock of port ${c.localPort}: ${r.error}`);
}
