// Loads our .proto schemas (src/images/proto, found from the package root so that both
// vitest on src/ and the built dist/ use the same files) into one protobufjs Root.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { packageRoot } from '../sys/native.js';

let root: protobuf.Root | undefined;
const types = new Map<string, protobuf.Type>();

export function protoDir(): string {
  return path.join(packageRoot(), 'src', 'images', 'proto');
}

function schemaRoot(): protobuf.Root {
  if (!root) {
    const dir = protoDir();
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.proto')).sort().map((f) => path.join(dir, f));
    root = new protobuf.Root().loadSync(files, { keepCase: true });
    root.resolveAll();
  }
  return root;
}

/** The message type of that name (CRIU's message names, e.g. "core_entry"). */
export function messageType(name: string): protobuf.Type {
  let type = types.get(name);
  if (!type) {
    type = schemaRoot().lookupType(name);
    types.set(name, type);
  }
  return type;
}
