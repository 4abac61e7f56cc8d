import { describe, expect, it } from 'vitest';
import { aarch64, ppc64le } from '../../arch/descriptors.js';
import { catalogCommand } from './index.js';

describe('catalogCommand', () => {
  it("starts the runner under the arch's node flags (aarch64: no TurboFan), others plain", () => {
    expect(catalogCommand(aarch64, ['--filter', 'x'])).toEqual(['node', '--no-opt', 'dist/zdtm/runner/main.js', '--in-guest', '--arch', 'aarch64', '--report', '/report', '--filter', 'x']);
    expect(catalogCommand(ppc64le, []).slice(0, 2)).toEqual(['node', 'dist/zdtm/runner/main.js']);
  });
});
