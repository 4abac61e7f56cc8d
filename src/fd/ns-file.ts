// Namespace files (an open /proc/PID/ns/KIND, kept to setns(2) back later). One of criu-ts's
// own namespaces is dumped with the dumper's id of it (inventory root_ids) and reopened at
// restore from /proc/self/ns. One of the tree's own namespaces is refused for now: the fds
// are opened before the tasks, so before the namespaces they make exist.
import fs from 'node:fs';
import { namespaceKinds, type NamespaceKind } from '../ns/kinds.js';
import { fileEntry } from '../restore/task-images.js';
import type { TreeImages } from '../restore/task-images.js';
import type { FdKind } from './kind.js';

const LINK = /^(\w+):\[(\d+)\]$/;

function kindOfLink(link: string): NamespaceKind | undefined {
  const m = LINK.exec(link);
  return m ? namespaceKinds.find((k) => k.kind === m[1]) : undefined;
}

/** The namespace kind file `fileId` is of, which must be one of the dumper's (what a restore reopens). */
function ourNamespace(tree: TreeImages, fileId: number): NamespaceKind {
  const nsf = fileEntry(tree, fileId, 'NS').nsf;
  const kind = namespaceKinds.find((k) => k.flag === nsf.ns_cflag);
  if (!kind) throw new Error(`criu-ts: file ${fileId} is a namespace file of an unknown kind (ns_cflag 0x${nsf.ns_cflag.toString(16)})`);
  if (tree.inventory.root_ids?.[kind.field] !== nsf.ns_id) {
    throw new Error(`criu-ts: file ${fileId} is a ${kind.kind} namespace file of the tree's own namespace ${nsf.ns_id}, which cannot be restored yet`);
  }
  return kind;
}

export const nsFile: FdKind = {
  type: 'NS',
  dump: {
    matches: (fd) => kindOfLink(fd.link) !== undefined,
    dump(fd, { files, ourNamespaceIds }) {
      const kind = kindOfLink(fd.link)!;
      if (fd.stat().ino !== fs.statSync(`/proc/self/ns/${kind.kind}`).ino) throw fd.unsupported(`a file of a ${kind.kind} namespace other than criu-ts's`);
      const nsId = ourNamespaceIds[kind.field];
      // The dumper's ids name every namespace kind its /proc/self/ns has.
      if (nsId === undefined) throw fd.unsupported(`a ${kind.kind} namespace criu-ts has no id for`);
      return files.shared(fd.fileKey, (id) => files.add('NS', 'nsf', id, { ns_id: nsId, ns_cflag: kind.flag, flags: fd.flags }));
    },
  },
  restore: {
    check(tree, fileId) {
      ourNamespace(tree, fileId);
    },
    open(ctx, fileId) {
      const kind = ourNamespace(ctx.tree, fileId);
      const fd = fs.openSync(`/proc/self/ns/${kind.kind}`, 'r');
      ctx.opened.push(fd);
      return fd;
    },
  },
};
