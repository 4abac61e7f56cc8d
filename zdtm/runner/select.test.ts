import { describe, expect, it } from 'vitest';
import { parseDesc } from './desc.js';
import { applyNeeds, selectTests } from './select.js';

const d = (name: string, extra = {}) => parseDesc(JSON.stringify({ summary: name, ...extra }), `${name}.desc.json`);
const catalog = [d('pipe00'), d('pipe01'), d('avx00', { arches: ['x86_64'] }), d('ns00', { flavors: ['ns'] }), d('lock00', { needs: ['root', 'file-locks'] })];

describe('selectTests', () => {
  it('keeps every test for the arch and says why others are skipped', () => {
    const s390 = selectTests(catalog, 's390x');
    expect(s390.map((p) => [p.desc.name, p.skip])).toEqual([
      ['pipe00', undefined],
      ['pipe01', undefined],
      ['avx00', 'not for s390x (arches: x86_64)'],
      ['ns00', 'flavors ns not supported by the runner (only "h")'],
      ['lock00', undefined],
    ]);
    expect(selectTests(catalog, 'x86_64').find((p) => p.desc.name === 'avx00')!.skip).toBeUndefined();
  });

  it('filters by a regular expression on the name', () => {
    expect(selectTests(catalog, 'x86_64', /^pipe0[1-9]$/).map((p) => p.desc.name)).toEqual(['pipe01']);
    expect(selectTests(catalog, 'x86_64', /pipe/).map((p) => p.desc.name)).toEqual(['pipe00', 'pipe01']);
  });
});

describe('applyNeeds', () => {
  it('skips with the first unmet need and leaves others alone', async () => {
    const asked: string[] = [];
    const planned = await applyNeeds(selectTests(catalog, 'x86_64'), async (need) => {
      asked.push(need);
      return need === 'file-locks' ? 'needs file-locks (no)' : undefined;
    });
    expect(planned.find((p) => p.desc.name === 'lock00')!.skip).toBe('needs file-locks (no)');
    expect(planned.filter((p) => p.skip === undefined).map((p) => p.desc.name)).toEqual(['pipe00', 'pipe01', 'avx00']);
    expect(asked).toEqual(['root', 'file-locks']); // skipped tests are not probed
  });
});
