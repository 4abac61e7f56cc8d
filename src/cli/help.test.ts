import { describe, expect, it } from 'vitest';
import { commandHelp, globalHelp } from './help.js';
import { commands, globalOptions } from './spec.js';

describe('help', () => {
  it('lists every command and every global option, with its short form', () => {
    const text = globalHelp();
    for (const c of commands) expect(text, c.name).toMatch(new RegExp(`^  ${c.name} `, 'm'));
    for (const o of globalOptions) {
      expect(text, o.long).toMatch(new RegExp(`--(\\[no-\\])?${o.long}\\b`));
      if (o.short) expect(text, o.long).toContain(`-${o.short}, --`);
    }
  });

  it('marks what is not supported yet apart from what works', () => {
    const text = globalHelp();
    const [supported, unsupported] = text.split('not supported yet (they fail)');
    expect(supported).toContain('--images-dir');
    expect(supported).not.toContain('--auto-dedup');
    expect(unsupported).toContain('--[no-]auto-dedup');
    expect(unsupported).toContain('-r, --root DIR');
  });

  it("lists each command's own options and the global ones it uses", () => {
    for (const c of commands) {
      const text = commandHelp(c);
      expect(text).toContain(`Usage: criu-ts ${c.usage}`);
      for (const o of c.options) expect(text, `${c.name} --${o.long}`).toMatch(new RegExp(`--(\\[no-\\])?${o.long}\\b`));
    }
    const restore = commandHelp(commands.find((c) => c.name === 'restore')!);
    expect(restore).toContain('--pidfile FILE');
    expect(restore).toContain('-d, --[no-]restore-detached');
    expect(restore).not.toContain('--tree');
    const dump = commandHelp(commands.find((c) => c.name === 'dump')!);
    expect(dump).toContain('-t, --tree PID');
    expect(dump).toContain('-v, --verbosity[=N]');
  });
});
