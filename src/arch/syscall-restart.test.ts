import { describe, expect, it } from 'vitest';
import { restartAction } from './syscall-restart.js';

describe('restartAction', () => {
  it('re-runs the three restartable results, fails a restart block with EINTR, leaves the rest', () => {
    expect([-512n, -513n, -514n].map(restartAction)).toEqual(['rerun', 'rerun', 'rerun']);
    expect(restartAction(-516n)).toBe('eintr');
    expect([0n, 5n, -4n, -515n, -11n].map(restartAction)).toEqual(['none', 'none', 'none', 'none', 'none']);
  });
});
