// NETLINK_SOCK_DIAG replies built by hand for the parsers' tests (host byte order, as the kernel sends).

/** One netlink message of type carrying body. */
export function netlinkMessage(type: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + body.length, 0);
  h.writeUInt16LE(type, 4);
  return Buffer.concat([h, body]);
}

/** One rtattr, padded to 4 bytes. */
export function netlinkAttr(type: number, data: Buffer): Buffer {
  const a = Buffer.alloc((4 + data.length + 3) & ~3);
  a.writeUInt16LE(4 + data.length, 0);
  a.writeUInt16LE(type, 2);
  data.copy(a, 4);
  return a;
}
