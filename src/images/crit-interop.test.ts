// Interop with CRIU's own decoder: when CRIU_TS_CRIT names a crit command, every kind we
// write is decoded by crit to the same content our decodeToJson prints, and crit's
// encoder turns our JSON back into our exact bytes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostByteOrder } from './byte-order.js';
import { decodeToJson } from './crit.js';
import { encodeImage } from './index.js';
import { KINDS } from './kinds.js';
import { parseJsonExact } from './json-text.js';
import { normaliseNumbers, sampleImage } from '../testing/images.js';

const crit = process.env['CRIU_TS_CRIT'];
if (!crit) console.warn('images: CRIU_TS_CRIT not set; interop tests against crit skipped');

// Kinds crit has no handler for (checksums is ours alone).
const CRIT_LACKS = new Set(['signal-s', 'signal-p', 'binfmt-misc', 'pidfd', 'checksums']);
// crit's encoder fails on these payloads (it hands base64.decodebytes a str); its decoder is fine.
const CRIT_ENCODE_BROKEN = new Set(['ipcns-shm', 'bpfmap-data']);

describe.skipIf(!crit)('crit reads what we write', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-crit-'));
  afterAll(() => fs.rmSync(dir, { recursive: true }));

  it.each(Object.keys(KINDS).filter((k) => !CRIT_LACKS.has(k)))('%s', (kind) => {
    const { entries, payloads } = sampleImage(kind, hostByteOrder(), 2);
    const bytes = encodeImage(kind, entries, payloads);
    const file = path.join(dir, `${kind}-3.img`);
    fs.writeFileSync(file, bytes);

    const critJson = (...flags: string[]) => parseJsonExact(execFileSync(crit!, ['decode', '-i', file, ...flags], { encoding: 'utf8' }));
    const ours = decodeToJson(file, true);
    expect(normaliseNumbers(JSON.parse(ours))).toEqual(normaliseNumbers(critJson('--pretty')));
    expect(normaliseNumbers(JSON.parse(decodeToJson(file, false)))).toEqual(normaliseNumbers(critJson()));

    if (CRIT_ENCODE_BROKEN.has(kind)) return;
    const json = path.join(dir, `${kind}.json`);
    const back = path.join(dir, `${kind}-back.img`);
    fs.writeFileSync(json, ours);
    execFileSync(crit!, ['encode', '-i', json, '-o', back]);
    expect(fs.readFileSync(back).equals(bytes)).toBe(true);
  });
});
