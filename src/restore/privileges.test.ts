// An image asking for more than its restorer has is refused before anything is created.
import { describe, expect, it } from 'vitest';
import type { Creds, TaskPlan } from './plan.js';
import { CAP_CHECKPOINT_RESTORE, CAP_SETGID, CAP_SETUID, checkPrivileges, type Caller } from './privileges.js';

const bit = (n: number): bigint => 1n << BigInt(n);
const creds = (over: Partial<Creds> = {}): Creds => ({
  uid: 1000, euid: 1000, suid: 1000, fsuid: 1000, gid: 1000, egid: 1000, sgid: 1000, fsgid: 1000, groups: [], noNewPrivs: false, ...over,
});
const plan = (c: Creds, thread?: Creds): TaskPlan =>
  ({ task: { pid: 4321 }, creds: c, threads: [{ tid: 4321 }, { tid: 4322, ...(thread ? { creds: thread } : {}) }] }) as unknown as TaskPlan;
const user: Caller = { uid: 1000, gid: 1000, groups: [], capEff: bit(CAP_CHECKPOINT_RESTORE), capPrm: bit(CAP_CHECKPOINT_RESTORE) };

describe('checkPrivileges', () => {
  it('lets a caller restore tasks that are its own', () => {
    expect(() => checkPrivileges([plan(creds())], user)).not.toThrow();
  });

  it('refuses pids without CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN', () => {
    expect(() => checkPrivileges([plan(creds())], { ...user, capEff: 0n })).toThrow(
      'criu-ts: restoring tasks with their pids (4321...) needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN, which this restore lacks',
    );
  });

  it("refuses another user's ids without CAP_SETUID / CAP_SETGID", () => {
    expect(() => checkPrivileges([plan(creds({ euid: 0 }))], user)).toThrow(/^criu-ts: task 4321 ran as uid 1000\/0; becoming it needs CAP_SETUID/);
    expect(() => checkPrivileges([plan(creds({ groups: [27] }))], user)).toThrow(/^criu-ts: task 4321 ran as gid 1000 with groups \[27\]; becoming it needs CAP_SETGID/);
    const admin = { ...user, capEff: user.capEff | bit(CAP_SETUID) | bit(CAP_SETGID) };
    expect(() => checkPrivileges([plan(creds({ uid: 0, groups: [27] }))], admin)).not.toThrow();
  });

  it("checks a thread's own credentials too", () => {
    expect(() => checkPrivileges([plan(creds(), creds({ uid: 0 }))], user)).toThrow(/^criu-ts: task 4322 ran as uid 0\/1000; becoming it needs CAP_SETUID/);
  });

  it('refuses capabilities the caller does not hold', () => {
    const caps = { inh: [0, 0], prm: [1 << 21, 1 << 8], eff: [0, 0], bnd: [~0, 0xff], amb: [0, 0], secbits: 0 };
    expect(() => checkPrivileges([plan(creds({ caps }))], user)).toThrow('criu-ts: task 4321 held capabilities 21 that this restore lacks');
    expect(() => checkPrivileges([plan(creds({ caps }))], { ...user, capPrm: user.capPrm | bit(21) })).not.toThrow();
  });
});
