// The per-connection lock: which rule, and what a missing or failing tool does.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { AF_INET, AF_INET6 } from '../sys/socket.js';
import { dropRule, lockConnection, unlockConnection, type Connection } from './tcp-lock.js';

const v4: Connection = { family: AF_INET, local: Buffer.from([127, 0, 0, 1]), localPort: 6379, remote: Buffer.from([10, 1, 2, 3]), remotePort: 40000 };
const v6: Connection = { family: AF_INET6, local: Buffer.from('20010db8000000000000000000000001', 'hex'), localPort: 80, remote: Buffer.alloc(16), remotePort: 5 };

function recorder(result: { ok: boolean; missing: boolean; error: string }) {
  const calls: [string, string[]][] = [];
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m), debug: () => {} } as unknown as Logger;
  return { calls, warnings, log, run: (tool: string, args: string[]) => (calls.push([tool, args]), result) };
}

describe('network lock', () => {
  it('drops what the peer sends to the dumped socket, and nothing else', () => {
    expect(dropRule(v4).join(' ')).toBe('INPUT -p tcp -s 10.1.2.3 --sport 40000 -d 127.0.0.1 --dport 6379 -m comment --comment criu-ts -j DROP');
    expect(dropRule(v6).slice(3, 5)).toEqual(['-s', '0:0:0:0:0:0:0:0']);
    expect(dropRule(v6).slice(7, 9)).toEqual(['-d', '2001:db8:0:0:0:0:0:1']);
  });

  it('inserts the rule with iptables (ip6tables for IPv6) and deletes the same rule', () => {
    const r = recorder({ ok: true, missing: false, error: '' });
    lockConnection(v4, 'iptables', false, r.log, r.run);
    unlockConnection(v4, 'iptables', r.log, r.run);
    lockConnection(v6, 'iptables', false, r.log, r.run);
    expect(r.calls).toEqual([['iptables', ['-w', '-I', ...dropRule(v4)]], ['iptables', ['-w', '-D', ...dropRule(v4)]], ['ip6tables', ['-w', '-I', ...dropRule(v6)]]]);
  });

  it('skip touches nothing', () => {
    const r = recorder({ ok: true, missing: false, error: '' });
    lockConnection(v4, 'skip', true, r.log, r.run);
    unlockConnection(v4, 'skip', r.log, r.run);
    expect(r.calls).toEqual([]);
  });

  it('without iptables: a warning by default, a failed dump when the lock was asked for', () => {
    const r = recorder({ ok: false, missing: true, error: 'iptables is not installed' });
    lockConnection(v4, 'iptables', false, r.log, r.run);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/127\.0\.0\.1:6379 <-> 10\.1\.2\.3:40000: iptables is not installed; a packet from its peer/);
    expect(() => lockConnection(v4, 'iptables', true, r.log, r.run)).toThrow(/network lock: cannot lock .*iptables is not installed/);
  });

  it('a rule iptables refuses fails the dump', () => {
    const r = recorder({ ok: false, missing: false, error: "iptables: can't initialize" });
    expect(() => lockConnection(v4, 'iptables', false, r.log, r.run)).toThrow(/can't initialize/);
  });
});
