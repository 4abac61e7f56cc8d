import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DescError, loadCatalog, parseDesc } from './desc.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('parseDesc', () => {
  it('fills defaults from a summary-only desc and names the test after the file', () => {
    const d = parseDesc('{"summary": "pipes keep their data"}', '/x/static/pipe00.desc.json');
    expect(d).toEqual({ name: 'pipe00', summary: 'pipes keep their data', flavors: ['h'], needs: [], args: [], opts: [], terminal: false, knownFailures: {} });
  });

  it('marks a shell-job test, and refuses a "terminal" that is no boolean', () => {
    expect(parseDesc('{"summary": "s", "terminal": true}', 'a.desc.json').terminal).toBe(true);
    expect(() => parseDesc('{"summary": "s", "terminal": "yes"}', 'a.desc.json')).toThrow(/"terminal" must be true or false/);
  });

  it('reads every documented key', () => {
    const d = parseDesc(
      JSON.stringify({ summary: 's', flavors: ['h', 'ns'], arches: ['x86_64', 's390x'], needs: ['root'], args: ['--x=1'], opts: ['--file-locks'], timeout: 5, expected: 'fail', reason: 'r' }),
      'a.desc.json',
    );
    expect(d).toMatchObject({ name: 'a', flavors: ['h', 'ns'], arches: ['x86_64', 's390x'], needs: ['root'], args: ['--x=1'], opts: ['--file-locks'], timeout: 5, knownFailures: { x86_64: 'r', aarch64: 'r', s390x: 'r', ppc64le: 'r' } });
  });

  it('rejects unknown keys, naming the file and the key', () => {
    expect(() => parseDesc('{"summary": "s", "arch": ["x86_64"]}', '/cat/foo.desc.json')).toThrowError(/\/cat\/foo\.desc\.json: unknown key "arch"/);
    expect(() => parseDesc('{"summary": "s", "arch": ["x86_64"]}', 'f.desc.json')).toThrow(DescError);
  });

  it.each([
    ['{}', /"summary".*required/],
    ['{"summary": ""}', /"summary".*required/],
    ['[1]', /JSON object/],
    ['{"summary": "s",', /not valid JSON/],
    ['{"summary": "s", "arches": ["vax"]}', /"arches" has unknown value "vax"/],
    ['{"summary": "s", "flavors": ["zz"]}', /"flavors" has unknown value "zz"/],
    ['{"summary": "s", "args": "--x"}', /"args" must be an array of strings/],
    ['{"summary": "s", "timeout": 0}', /"timeout" must be a positive/],
    ['{"summary": "s", "reason": 3}', /"reason" must be a string/],
    ['{"summary": "s", "reason": "r"}', /"reason" without "expected"/],
    ['{"summary": "s", "expected": "fail"}', /needs a "reason"/],
    ['{"summary": "s", "expected": "pass"}', /"expected" must be "fail" or an object/],
    ['{"summary": "s", "expected": {"mips": "r"}}', /"expected" has unknown value "mips"/],
    ['{"summary": "s", "expected": {"s390x": ""}}', /"expected"."s390x" must be the reason/],
    ['{"summary": "s", "expected": {"s390x": "r"}, "reason": "r"}', /drop "reason"/],
  ])('rejects %s', (text, why) => {
    expect(() => parseDesc(text, 't.desc.json')).toThrowError(why);
  });
});

describe('loadCatalog', () => {
  it('loads every desc of a directory, sorted by name', () => {
    const names = loadCatalog(path.join(here, 'fixtures')).map((d) => d.name);
    expect(names).toEqual(['fx_fail', 'fx_hang', 'fx_other_arch', 'fx_pass']);
  });

  it('says which directory it cannot read', () => {
    expect(() => loadCatalog('/nonexistent/catalog')).toThrowError(/\/nonexistent\/catalog/);
  });
});
