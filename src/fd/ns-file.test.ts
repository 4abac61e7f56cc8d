import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InventoryEntry } from '../images/entries.js';
import { closeAll, contextOf, dumpOwn, ourNamespaceIds } from '../testing/own-fd.js';
import { restorerOf } from './registry.js';

describe('namespace files', () => {
  it("of our namespaces are dumped with our ids and reopened on the same namespace", () => {
    const fd = fs.openSync('/proc/self/ns/uts', 'r');
    try {
      const { dump, entry, id } = dumpOwn(fd);
      expect(entry.type).toBe('NS');
      const file = dump.files.entries.find((e) => e.id === id)!;
      expect(file.nsf).toMatchObject({ id, ns_id: ourNamespaceIds().uts_ns_id, ns_cflag: 0x04000000 });
      const ctx = contextOf(dump, '/nonexistent', { inventory: { root_ids: ourNamespaceIds() } as InventoryEntry });
      const opened = restorerOf('NS', 'fd').open(ctx, id);
      expect(fs.fstatSync(opened).ino).toBe(fs.statSync('/proc/self/ns/uts').ino);
      closeAll(ctx);
    } finally {
      fs.closeSync(fd);
    }
  });

  it("of the tree's own namespaces are refused at restore, naming the namespace", () => {
    const fd = fs.openSync('/proc/self/ns/net', 'r');
    try {
      const { dump, id } = dumpOwn(fd);
      const ctx = contextOf(dump, '/nonexistent', { inventory: { root_ids: { ...ourNamespaceIds(), net_ns_id: 99 } } as InventoryEntry });
      expect(() => restorerOf('NS', 'fd').check(ctx.tree, id, { shellJob: false })).toThrow(/net namespace file of the tree's own namespace \d+, which cannot be restored yet/);
    } finally {
      fs.closeSync(fd);
    }
  });
});
