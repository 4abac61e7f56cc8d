// Interop with real CRIU 4.2 images: every fixture decodes, re-encodes to the same bytes,
// and our JSON says what crit's JSON says.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../sys/native.js';
import { decodeToJson, encodeFromJson } from './crit.js';
import { decodeImage, encodeImage, readImage } from './index.js';
import { parseJsonExact } from './json-text.js';
import { normaliseNumbers } from '../testing/images.js';

const FIXTURES = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2');
const present = fs.existsSync(FIXTURES);
if (!present) console.warn(`images: CRIU fixtures not found at ${FIXTURES}; interop tests skipped`);

function imageFiles(set: string): string[] {
  if (!present) return [];
  return fs.readdirSync(path.join(FIXTURES, set, 'img')).filter((f) => !f.startsWith('pages-')).sort();
}

describe.skipIf(!present).each(['zoo', 'tree'])('CRIU 4.2 fixture set %s', (set) => {
  const dir = path.join(FIXTURES, set, 'img');
  const files = imageFiles(set);

  it('has images to test', () => {
    expect(files.length).toBeGreaterThan(15);
  });

  it.each(files)('%s decodes and re-encodes byte for byte', (file) => {
    const bytes = fs.readFileSync(path.join(dir, file));
    const img = readImage(dir, file);
    expect(img.entries.length).toBeGreaterThan(0);
    expect(encodeImage(img.kind, img.entries, img.payloads).equals(bytes)).toBe(true);
    expect(decodeImage(bytes, file)).toEqual(img);
  });

  it.each(files)('%s: our JSON matches crit in content and encodes back exactly', (file) => {
    const bytes = fs.readFileSync(path.join(dir, file));
    const crit = parseJsonExact(fs.readFileSync(path.join(FIXTURES, set, 'json', file + '.json'), 'utf8'));
    const ours = decodeToJson(path.join(dir, file), true);
    expect(normaliseNumbers(JSON.parse(ours))).toEqual(normaliseNumbers(crit));
    expect(encodeFromJson(ours).equals(bytes)).toBe(true);
    expect(encodeFromJson(decodeToJson(path.join(dir, file), false)).equals(bytes)).toBe(true);
    // crit's own JSON is accepted as input too
    expect(encodeFromJson(JSON.stringify(crit, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).equals(bytes)).toBe(true);
  });
});

describe.skipIf(!present)('fixture contents (zoo.c)', () => {
  const dir = path.join(FIXTURES, 'zoo', 'img');

  it('holds the pipe data in flight and the queued socket bytes as payloads', () => {
    const pipes = readImage(dir, 'pipes-data.img');
    expect(pipes.kind).toBe('pipes-data');
    expect(pipes.payloads[0]?.toString()).toBe('in-flight');
    expect(pipes.entries[0]!['bytes']).toBe(9);
    const queues = readImage(dir, 'sk-queues.img');
    expect(queues.payloads[0]?.toString()).toBe('queued');
  });

  it('decodes 64-bit fields as bigint and enums by name', () => {
    const core = readImage(dir, fs.readdirSync(dir).find((f) => f.startsWith('core-'))!);
    const e = core.entries[0]!;
    expect(e['mtype']).toBe('X86_64');
    expect(typeof e['thread_info'].gpregs.ip).toBe('bigint');
    expect(e['thread_info'].gpregs.mode).toBe('NATIVE');
    expect(e['tc'].rlimits.rlimits[0].cur).toBe(2n ** 64n - 1n);
    const files = readImage(dir, 'files.img');
    const kinds = new Set(files.entries.map((f) => f['type']));
    for (const k of ['REG', 'PIPE', 'UNIXSK', 'INETSK', 'EVENTFD', 'EVENTPOLL', 'SIGNALFD', 'TIMERFD', 'INOTIFY', 'MEMFD']) {
      expect(kinds).toContain(k);
    }
  });

  it('reads the pagemap head then its entries', () => {
    const pm = readImage(dir, fs.readdirSync(dir).find((f) => /^pagemap-\d+\.img$/.test(f))!);
    expect(Object.keys(pm.entries[0]!)).toEqual(['pages_id']);
    expect(typeof pm.entries[1]!['vaddr']).toBe('bigint');
    expect(typeof pm.entries[1]!['nr_pages']).toBe('bigint');
  });
});
