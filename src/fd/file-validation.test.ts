import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { O_APPEND, O_RDONLY, O_WRONLY } from '../sys/fcntl.js';
import { elfBuildId, validateOpened, validationOf } from './file-validation.js';

const readelfBuildId = (file: string): string | undefined => {
  try {
    return /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', file], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
};

function withFd<T>(file: string, use: (fd: number) => T): T {
  const fd = fs.openSync(file, 'r');
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}

describe('file validation', () => {
  const want = readelfBuildId('/bin/true');
  it.skipIf(!want)('reads the GNU build-id of an ELF file as readelf does', () => {
    expect(withFd('/bin/true', elfBuildId)?.toString('hex')).toBe(want);
    expect(withFd('/etc/hostname', elfBuildId)).toBeUndefined();
  });

  it('refuses a file whose size or mode changed since the dump, and allows other permission bits with skipFileRwxCheck', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-validation-'));
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, 'twelve bytes');
    fs.chmodSync(file, 0o644);
    const reg = { name: file, mode: fs.statSync(file).mode, ...validationOf(file, O_RDONLY, fs.statSync(file), 'buildid') };
    expect(reg.size).toBe(12n);
    withFd(file, (fd) => validateOpened(fd, reg, {}));
    fs.appendFileSync(file, '!');
    expect(() => withFd(file, (fd) => validateOpened(fd, reg, {}))).toThrow(`file ${file} has size 13, not 12: it is not the file that was dumped`);
    fs.truncateSync(file, 12);
    fs.chmodSync(file, 0o600);
    expect(() => withFd(file, (fd) => validateOpened(fd, reg, {}))).toThrow(/has mode 0100600, not 0100644 \(--skip-file-rwx-check/);
    withFd(file, (fd) => validateOpened(fd, reg, { skipFileRwxCheck: true }));
    // A log (write-only, appending) is expected to grow: no size is kept.
    expect(validationOf(file, O_WRONLY | O_APPEND, fs.statSync(file), 'buildid')).toEqual({});
    fs.rmSync(dir, { recursive: true });
  });

  it.skipIf(!want || !readelfBuildId('/bin/false'))('refuses another ELF file of the same size and mode by its build-id, unless told filesize', () => {
    const st = fs.statSync('/bin/false');
    const reg = { name: '/bin/false', mode: st.mode, size: BigInt(st.size), ...withFd('/bin/true', () => ({ build_id: validationOf('/bin/true', O_RDONLY, fs.statSync('/bin/true'), 'buildid').build_id })) };
    expect(reg.build_id?.length).toBeGreaterThan(0);
    expect(() => withFd('/bin/false', (fd) => validateOpened(fd, reg, {}))).toThrow(`has build-id ${readelfBuildId('/bin/false')}, not ${want}`);
    withFd('/bin/false', (fd) => validateOpened(fd, reg, { fileValidation: 'filesize' }));
  });
});
