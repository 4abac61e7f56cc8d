// The crit-like tools on their own: JSON forms, input errors, and the summary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeToJson, encodeFromJson, show } from './crit.js';
import { writeImage } from './index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-crit-'));
afterAll(() => fs.rmSync(dir, { recursive: true }));

const fown = { uid: 0, euid: 0, signum: 0, pid_type: 0, pid: 0 };
const vma = { start: 0x400000n, end: 0x401000n, pgoff: 0n, shmid: 0n, prot: 5, flags: 2, status: 0x41, fd: -1n };
const mm = {
  mm_start_code: 0x400000n, mm_end_code: 0x401000n, mm_start_data: 0n, mm_end_data: 0n, mm_start_stack: 0n,
  mm_start_brk: 0n, mm_brk: 0n, mm_arg_start: 0n, mm_arg_end: 0n, mm_env_start: 0n, mm_env_end: 0n, exe_file_id: 1,
  vmas: [vma],
};

describe('decodeToJson', () => {
  writeImage(dir, 'mm-5.img', 'mm', [mm]);

  it('prints crit\'s presentation when pretty, plain numbers otherwise', () => {
    const pretty = JSON.parse(decodeToJson(path.join(dir, 'mm-5.img'), true));
    expect(pretty.magic).toBe('MM');
    expect(pretty.entries[0].mm_start_code).toBe('0x400000');
    expect(pretty.entries[0].vmas[0]).toMatchObject({ prot: 'PROT_READ | PROT_EXEC', flags: 'MAP_PRIVATE', status: 'VMA_AREA_REGULAR | VMA_FILE_PRIVATE', fd: -1 });
    const plain = JSON.parse(decodeToJson(path.join(dir, 'mm-5.img'), false));
    expect(plain.entries[0].mm_start_code).toBe(0x400000);
    expect(plain.entries[0].vmas[0]).toMatchObject({ prot: 5, flags: 2, status: 0x41 });
  });

  it('prints the two queues of a tcp stream apart', () => {
    const stream = { inq_len: 2, inq_seq: 1, outq_len: 3, outq_seq: 2, opt_mask: 0, snd_wscale: 7, mss_clamp: 1460 };
    writeImage(dir, 'tcp-stream-1f.img', 'tcp-stream', [stream], [Buffer.from('inout')]);
    const json = decodeToJson(path.join(dir, 'tcp-stream-1f.img'), true);
    expect(JSON.parse(json).entries[0].extra).toEqual({ inq: 'aW4=\n', outq: 'b3V0\n' });
    expect(encodeFromJson(json)).toEqual(fs.readFileSync(path.join(dir, 'tcp-stream-1f.img')));
  });
});

describe('encodeFromJson', () => {
  it('accepts hex, decimal text and flag names for integers', () => {
    const json = JSON.stringify({
      magic: 'PIPES',
      entries: [{ id: '0x10', pipe_id: '4096', flags: '0x800', fown }],
    });
    const file = path.join(dir, 'pipes.img');
    fs.writeFileSync(file, encodeFromJson(json));
    expect(JSON.parse(decodeToJson(file, false)).entries[0]).toEqual({ id: 16, pipe_id: 4096, flags: 2048, fown });
  });

  it('says what is wrong with bad input', () => {
    expect(() => encodeFromJson('[1]')).toThrow('expected JSON of the form {"magic": "NAME", "entries": [...]}');
    expect(() => encodeFromJson('{"magic": "NOPE", "entries": []}')).toThrow('unknown or unsupported image magic "NOPE"');
    expect(() => encodeFromJson('{"magic": "PSTREE", "entries": [{"pid": 1}]}')).toThrow('pstree[0].ppid: required field missing');
    expect(() => encodeFromJson('{"magic": "PSTREE", "entries": [{"pid": 1, "bogus": 2}]}')).toThrow('pstree_entry has no field "bogus"');
    expect(() => encodeFromJson('{"magic": "PIPES_DATA", "entries": [{"pipe_id": 1, "bytes": 4, "extra": "YWI=\\n"}]}')).toThrow(
      'payload is 2 bytes, the entry says 4',
    );
  });
});

describe('show', () => {
  it('prints a header and one line per entry, with payload sizes', () => {
    writeImage(dir, 'pipes-data.img', 'pipes-data', [{ pipe_id: 9, bytes: 5 }, { pipe_id: 10, bytes: 0 }], [Buffer.from('hello'), Buffer.alloc(0)]);
    expect(show(path.join(dir, 'pipes-data.img'))).toBe(
      'pipes-data.img: PIPES_DATA (pipes-data), 2 entries\n  #0 pipe_id=9 bytes=5 +5 bytes\n  #1 pipe_id=10 bytes=0 +0 bytes\n',
    );
  });

  it('summarises nested messages one level deep with crit\'s presentation', () => {
    const reg = { id: 1, flags: 0o2002, pos: 3n, fown, name: '/tmp/a file' };
    writeImage(dir, 'files.img', 'files', [{ type: 'REG', id: 1, reg }]);
    expect(show(path.join(dir, 'files.img')).split('\n')[1]).toBe(
      '  #0 type=REG id=1 reg={id=1 flags=O_RDWR|O_APPEND pos=3 fown={…} name="/tmp/a file"}',
    );
  });

  it('cuts long lines', () => {
    const line = show(path.join(dir, 'mm-5.img')).split('\n')[1]!;
    expect(line.length).toBe(200);
    expect(line).toMatch(/^ {2}#0 mm_start_code=0x400000 mm_end_code=0x401000 .*…$/);
  });

  it('describes raw page files by size', () => {
    fs.writeFileSync(path.join(dir, 'pages-1.img'), Buffer.alloc(3 * 4096));
    expect(show(path.join(dir, 'pages-1.img'))).toBe('pages-1.img: raw page data, 12288 bytes\n');
  });
});
