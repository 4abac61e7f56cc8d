import { describe, expect, it } from 'vitest';
import { otherTerminal } from './tty.js';

const dev = (maj: number, min: number) => maj * 256 + min;

describe('terminals criu-ts refuses', () => {
  it('are named by what they are', () => {
    expect(otherTerminal(dev(5, 0))).toBe('/dev/tty (the controlling terminal by its generic name), device 5:0,');
    expect(otherTerminal(dev(5, 1))).toBe('the system console (/dev/console), device 5:1,');
    expect(otherTerminal(dev(4, 2))).toBe('a virtual terminal (/dev/tty2), device 4:2,');
    expect(otherTerminal(dev(4, 65))).toBe('a serial line (/dev/ttyS1), device 4:65,');
  });
});
