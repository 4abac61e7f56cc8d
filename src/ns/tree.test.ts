import { describe, expect, it } from 'vitest';
import { namespacesToCreate } from './tree.js';

describe('which tasks create a namespace on restore', () => {
  const images = new Map([[7, 'seven'], [8, 'eight']]);

  it('the root when the images hold its namespace; its children share it', () => {
    const out = namespacesToCreate('uts', [{ pid: 10, ppid: 1, nsId: 7 }, { pid: 11, ppid: 10, nsId: 7 }], images);
    expect([...out]).toEqual([[10, 'seven']]);
  });

  it("nobody when the root was in the dumper's namespace", () => {
    expect(namespacesToCreate('ipc', [{ pid: 10, ppid: 1, nsId: 3 }, { pid: 11, ppid: 10, nsId: 3 }], images).size).toBe(0);
  });

  it("a child in a namespace of its own; a zombie stays in its parent's", () => {
    const out = namespacesToCreate('uts', [{ pid: 10, ppid: 1, nsId: 3 }, { pid: 11, ppid: 10, nsId: 8 }, { pid: 12, ppid: 11 }], images);
    expect([...out]).toEqual([[11, 'eight']]);
  });

  it("refuses a namespace neither the parent's nor in the images, and one another task made", () => {
    expect(() => namespacesToCreate('ipc', [{ pid: 10, ppid: 1, nsId: 3 }, { pid: 11, ppid: 10, nsId: 4 }], images))
      .toThrow(/task 11 is in ipc namespace 4, not its parent's, and the images do not hold it/);
    expect(() => namespacesToCreate('uts', [{ pid: 10, ppid: 1, nsId: 3 }, { pid: 11, ppid: 10, nsId: 8 }, { pid: 12, ppid: 10, nsId: 8 }], images))
      .toThrow(/task 12 is in uts namespace 8, which another task than its parent is in/);
  });
});
