import { describe, expect, it } from 'vitest';
import { formatFatalError, NotSupportedError, UsageError } from './errors.js';

describe('formatFatalError', () => {
  it('prints one line "Error (criu-ts): message" below the debug level', () => {
    expect(formatFatalError(new Error('boom'), 2)).toBe('Error (criu-ts): boom\n');
    expect(formatFatalError(new UsageError('unknown option --x'), 0)).toBe('Error (criu-ts): unknown option --x\n');
    expect(formatFatalError(new NotSupportedError('--root'), 3)).toBe('Error (criu-ts): --root: not supported yet\n');
    expect(formatFatalError('a string', 2)).toBe('Error (criu-ts): a string\n');
  });

  it('keeps it one line and does not repeat the program name', () => {
    expect(formatFatalError(new Error('criu-ts: first\n  second'), 2)).toBe('Error (criu-ts): first second\n');
  });

  it('adds the stack at verbosity 4 and above', () => {
    const e = new Error('deep');
    const text = formatFatalError(e, 4);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Error (criu-ts): deep');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toMatch(/^\s+at /);
  });
});
