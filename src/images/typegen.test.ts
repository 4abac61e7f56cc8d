// The entry types: generated from a small schema as expected, and the committed
// entries.ts is what the generator makes of proto/*.proto today.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { protoDir } from './schema.js';
import { generateEntryTypes, loadForTypes, typeName } from './typegen.js';

const SMALL = `
syntax = "proto2";
// Kinds of thing.
enum thing_kind {
  BIG = 2;
  SMALL = 1;
}
message thing_entry {
  enum colour { RED = 0; BLUE = 1; }
  required uint32 id = 1;
  optional uint64 size = 3;  // in bytes
  repeated sint64 deltas = 2;
  optional bytes data = 4;
  optional string name = 5;
  optional bool on = 6;
  optional thing_kind kind = 7;
  repeated colour colours = 8;
  optional sint32 mnt_id = 9 [default = -1];
  repeated part_entry parts = 10;
  required part_entry main = 11;
}
message part_entry {
  required fixed64 addr = 1;
  optional double ratio = 2;
}
`;

function small(): string {
  const root = protobuf.parse(SMALL, { keepCase: true, alternateCommentMode: true }).root;
  root.resolveAll();
  return generateEntryTypes(root);
}

describe('generateEntryTypes', () => {
  it('types every field as the decoder gives it, in field-number order', () => {
    expect(small()).toContain(
      [
        'export interface ThingEntry {',
        '  id: number;',
        '  deltas?: bigint[];',
        '  /** in bytes */',
        '  size?: bigint;',
        '  data?: Buffer;',
        '  name?: string;',
        '  on?: boolean;',
        '  kind?: ThingKind | number;',
        '  colours?: (ThingEntryColour | number)[];',
        "  /** Absent means -1 (the schema's default). */",
        '  mnt_id?: number;',
        '  parts?: PartEntry[];',
        '  main: PartEntry;',
        '}',
      ].join('\n'),
    );
    expect(small()).toContain('export interface PartEntry {\n  addr: bigint;\n  ratio?: number;\n}');
  });

  it('gives enums their names in value order, nested ones prefixed by their message', () => {
    expect(small()).toContain("/** thing_kind. Kinds of thing. */\nexport type ThingKind = 'SMALL' | 'BIG';");
    expect(small()).toContain("export type ThingEntryColour = 'RED' | 'BLUE';");
  });

  it('maps every message name to its type', () => {
    expect(small()).toContain('export interface Messages {\n  thing_entry: ThingEntry;\n  part_entry: PartEntry;\n}');
  });

  it('refuses two schema names that become one type name', () => {
    const root = protobuf.parse('syntax = "proto2"; message a_b { optional uint32 x = 1; } message aB { optional uint32 y = 1; }').root;
    root.resolveAll();
    expect(() => generateEntryTypes(root)).toThrow(/a_b and \.aB both become AB/);
  });

  it('names types in PascalCase', () => {
    expect(typeName('.core_entry.march')).toBe('CoreEntryMarch');
    expect(typeName('.user_x86_regs_entry')).toBe('UserX86RegsEntry');
    expect(typeName('.TtyType')).toBe('TtyType');
  });
});

describe('entries.ts', () => {
  it('is what the generator makes of proto/*.proto (npm run build:types rewrites it)', async () => {
    const files = fs.readdirSync(protoDir()).filter((f) => f.endsWith('.proto')).sort().map((f) => path.join(protoDir(), f));
    await expect(generateEntryTypes(loadForTypes(files))).toMatchFileSnapshot('./entries.ts');
  });
});
