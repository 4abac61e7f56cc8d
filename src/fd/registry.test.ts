// The fd-kind table against the image format: every fd type of fdinfo.proto is either a
// kind with both halves or refused by name, and no kind can be dumped but not restored.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { messageType } from '../images/schema.js';
import { fdKinds, restorerOf } from './registry.js';

/** fd_types values the format keeps for CRIU's restorer itself; no image holds them. */
const INTERNAL = new Set(['UND', 'CTL_TTY', 'AUTOFS_PIPE']);

const fdTypes = (): string[] => Object.keys((messageType('fdinfo_entry').fields['type']!.resolvedType as protobuf.Enum).values);

describe('the fd-kind registry', () => {
  it('restores every kind it dumps', () => {
    const dumpedOnly = fdKinds.filter((k) => k.dump && !k.restore).map((k) => k.type);
    expect(dumpedOnly).toEqual([]);
  });

  it('has every fd type of fdinfo.proto, handled or refused by name', () => {
    const types = fdTypes().filter((t) => !INTERNAL.has(t));
    expect(types.length).toBeGreaterThan(15);
    const neither = types.filter((t) => !fdKinds.some((k) => k.type === t && ((k.dump && k.restore) || k.refuse)));
    expect(neither).toEqual([]);
  });

  it('names only fd types the format has', () => {
    const known = new Set(fdTypes());
    expect(fdKinds.map((k) => k.type).filter((t) => !known.has(t))).toEqual([]);
  });

  it('says what a refused kind is when an image holds one', () => {
    expect(() => restorerOf('TUNF', 'file 3')).toThrow('criu-ts: file 3 is a tun/tap device (TUNF), which cannot be restored yet');
    expect(() => restorerOf('BOGUS', 'file 3')).toThrow('file 3 is of type BOGUS');
    expect(restorerOf('PIPE', 'file 3').open).toBeTypeOf('function');
  });

  it('gives each kind one restore half', () => {
    const types = fdKinds.filter((k) => k.restore).map((k) => k.type);
    expect(new Set(types).size).toBe(types.length);
  });
});
