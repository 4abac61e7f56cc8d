// Netlink sockets: protocol, port id, multicast groups and the peer they are connected to,
// read from the borrowed socket itself (getsockname, NETLINK_LIST_MEMBERSHIPS, getpeername).
// Restore binds a new socket to the same port id (refused by name if it is taken here), joins
// the same groups and connects it again. Messages still queued to it are not carried: netlink
// gives no guarantee of delivery, and the dump says how many were dropped.
import type { NetlinkSkEntry } from '../images/entries.js';
import { readU32, writeU16, writeU32 } from '../sys/host-order.js';
import { isSysError } from '../sys/native.js';
import { fcntl } from '../sys/proc-ops.js';
import {
  AF_NETLINK, bind, connect, getIntOpt, getpeername, getsockname, getsockopt, setIntOpt, SO_PROTOCOL, SOCK_CLOEXEC, socket, SOL_SOCKET,
} from '../sys/socket.js';
import { F_SETFL, O_ACCMODE } from '../sys/fcntl.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind } from './kind.js';
import { applySocketOpts, checkSocketOpts, dumpSocketOpts, finishSocketState, hasQueued, socketDomain, withSocket } from './socket-opts.js';

const SOL_NETLINK = 270;
const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_LIST_MEMBERSHIPS = 9;
const SOCK_RAW = 3;
/** netlink_sk_entry.state: connected to a peer (NETLINK_CONNECTED). */
const CONNECTED = 1;

/** struct sockaddr_nl: family, pad, nl_pid, nl_groups (host order). */
function sockaddrNl(pid: number, groups: number): Buffer {
  const b = Buffer.alloc(12);
  writeU16(b, AF_NETLINK, 0);
  writeU32(b, pid >>> 0, 4);
  writeU32(b, groups >>> 0, 8);
  return b;
}

const nlPid = (addr: Buffer): number => readU32(addr, 4);
const nlGroups = (addr: Buffer): number => readU32(addr, 8);

/** The groups bitmap as netlink_sk_entry keeps it: 32-bit words, trailing zero words dropped. */
function membership(sk: number): number[] {
  const raw = getsockopt(sk, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 128);
  const words: number[] = [];
  for (let off = 0; off + 4 <= raw.length; off += 4) words.push(readU32(raw, off));
  while (words.length && words[words.length - 1] === 0) words.pop();
  return words;
}


export const netlinkSocket: FdKind = {
  type: 'NETLINKSK',
  dump: {
    matches: (fd) => socketDomain(fd) === AF_NETLINK,
    dump(fd, { files, options }) {
      return files.shared(fd.fileKey, (id) =>
        withSocket(fd, (sk) => {
          const local = getsockname(sk);
          const peer = getpeername(sk);
          const dstMask = nlGroups(peer);
          const groups = membership(sk);
          if (hasQueued(sk)) options.log.warn(`dump: netlink socket of fd ${fd.fd} of ${fd.pid}: its queued messages are dropped (netlink does not promise delivery)`);
          const entry: Omit<NetlinkSkEntry, 'id'> = {
            ino: fd.info.ino,
            protocol: getIntOpt(sk, SOL_SOCKET, SO_PROTOCOL),
            state: nlPid(peer) || dstMask ? CONNECTED : 0,
            flags: fd.flags,
            portid: nlPid(local),
            groups,
            dst_portid: nlPid(peer),
            // A group number (1-based), where getpeername gives its bit.
            dst_group: dstMask ? 32 - Math.clz32(dstMask) : 0,
            fown: noOwner(),
            opts: dumpSocketOpts(sk, AF_NETLINK),
          };
          if (groups.length && !entry.portid) throw fd.unsupported('a netlink socket in multicast groups without a port id');
          return files.add('NETLINKSK', 'nlsk', id, entry);
        }));
    },
  },
  restore: {
    check(tree, fileId) {
      const e = fileEntry(tree, fileId, 'NETLINKSK').nlsk;
      checkSocketOpts(e.opts, `netlink socket ${e.ino}`);
    },
    open(ctx, fileId) {
      const e = fileEntry(ctx.tree, fileId, 'NETLINKSK').nlsk;
      const sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, e.protocol);
      ctx.opened.push(sk);
      applySocketOpts(sk, e.opts);
      const groups = e.groups ?? [];
      if (e.portid) {
        try {
          bind(sk, sockaddrNl(e.portid, groups[0] ?? 0));
        } catch (err) {
          if (isSysError(err, 'EADDRINUSE')) throw new Error(`criu-ts: netlink socket ${e.ino} (protocol ${e.protocol}): port id ${e.portid} is taken here`);
          throw err;
        }
      }
      // Groups past the first 32 are joined one by one.
      groups.forEach((word, i) => {
        for (let bit = 0; i > 0 && bit < 32; bit++) if ((word >>> bit) & 1) setIntOpt(sk, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, i * 32 + bit + 1);
      });
      if (e.state === CONNECTED) connect(sk, sockaddrNl(e.dst_portid, e.dst_group ? 1 << (e.dst_group - 1) : 0));
      finishSocketState(sk, { opts: e.opts }); // its filter
      fcntl(sk, F_SETFL, e.flags & ~O_ACCMODE);
      return sk;
    },
  },
};
