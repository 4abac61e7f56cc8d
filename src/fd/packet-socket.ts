// AF_PACKET sockets: type, protocol, bound interface, the SOL_PACKET options the image keeps
// (version, reserve, auxdata, origdev, vnet header, loss, timestamp, copy threshold), the
// multicast memberships, the fanout group and the socket-level options with their filter.
// The borrowed socket answers what getsockopt can; packet_diag the rest (copy threshold,
// memberships, rings). Restore makes a socket like it, binds it to the same interface
// index and sets each option again. Refused by name: SOCK_PACKET sockets, memory-mapped
// rings, and options the image has no field for. Packets waiting in a packet socket's queue
// are dropped, as the network may drop them, and the dump warns of each socket that had some.
import type { PacketMclist, PacketSockEntry } from '../images/entries.js';
import { packetDiagRequest, parsePacketDiag, PDI_AUXDATA, PDI_LOSS, PDI_ORIGDEV, PDI_VNETHDR, type PacketDiag } from '../proc/net-packet-diag.js';
import { readU16, readU32, writeI32, writeU16, writeU32 } from '../sys/host-order.js';
import { isSysError } from '../sys/native.js';
import { fcntl } from '../sys/proc-ops.js';
import {
  AF_PACKET, bind, getIntOpt, getsockopt, setIntOpt, setsockopt, SO_TYPE, SOCK_CLOEXEC, sockDiag, socket, SOL_SOCKET,
} from '../sys/socket.js';
import { F_SETFL, O_ACCMODE } from '../sys/fcntl.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind, KindDumpState } from './kind.js';
import { applySocketOpts, checkSocketOpts, dumpSocketOpts, finishSocketState, hasQueued, socketDomain, withSocket } from './socket-opts.js';

const SOL_PACKET = 263;
const PACKET_ADD_MEMBERSHIP = 1;
const PACKET_COPY_THRESH = 7;
const PACKET_AUXDATA = 8;
const PACKET_ORIGDEV = 9;
const PACKET_VERSION = 10;
const PACKET_RESERVE = 12;
const PACKET_LOSS = 14;
const PACKET_VNET_HDR = 15;
const PACKET_TIMESTAMP = 17;
const PACKET_FANOUT = 18;
const PACKET_TX_HAS_OFF = 19;
const PACKET_QDISC_BYPASS = 20;
const PACKET_IGNORE_OUTGOING = 23;
/** The obsolete SOCK_PACKET type, bound by device name: not handled. */
const SOCK_PACKET = 10;
/** packet_sock_entry.fanout when the socket is in no fanout group (the schema's default). */
export const NO_FANOUT = 0xffffffff;
/** struct packet_mreq carries at most 8 address bytes. */
const MREQ_ADDR_LEN = 8;

/** The protocol as socket(2) takes it and the image keeps it: network order, read in host order. */
export function protocolWord(hostOrderProtocol: number): number {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(hostOrderProtocol, 0);
  return readU16(b, 0);
}

/** struct sockaddr_ll for bind: family, protocol 0 (keep the socket's), interface index. */
function sockaddrLl(ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  writeU16(b, AF_PACKET, 0);
  writeI32(b, ifindex, 4);
  return b;
}

/** struct packet_mreq: ifindex, type, address length, address[8]. */
export function packetMreq(m: PacketMclist): Buffer {
  if (m.addr.length > MREQ_ADDR_LEN) throw new Error(`criu-ts: a packet socket membership with a ${m.addr.length}-byte address (at most ${MREQ_ADDR_LEN})`);
  const b = Buffer.alloc(16);
  writeI32(b, m.index, 0);
  writeU16(b, m.type, 4);
  writeU16(b, m.addr.length, 6);
  Buffer.from(m.addr).copy(b, 8);
  return b;
}

/** The memberships as the image keeps them: one entry per join (the kernel counts them). */
export const mclistOf = (diag: PacketDiag): PacketMclist[] =>
  diag.memberships.flatMap((m) => Array.from({ length: Math.max(m.count, 1) }, () => ({ index: m.ifindex, type: m.type, addr: m.addr })));

class PacketSockets implements KindDumpState {
  private diag: Map<number, PacketDiag> | undefined;

  of(ino: number): PacketDiag {
    this.diag ??= parsePacketDiag(sockDiag(packetDiagRequest()));
    const d = this.diag.get(ino);
    if (!d) throw new Error(`criu-ts: packet_diag does not report packet socket ${ino} (is it in another network namespace?)`);
    return d;
  }

  close(): void {
    this.diag = undefined;
  }
}


export const packetSocket: FdKind<PacketSockets> = {
  type: 'PACKETSK',
  newState: () => new PacketSockets(),
  dump: {
    matches: (fd) => socketDomain(fd) === AF_PACKET,
    dump(fd, { files, state, options }) {
      return files.shared(fd.fileKey, (id) =>
        withSocket(fd, (sk) => {
          const type = getIntOpt(sk, SOL_SOCKET, SO_TYPE);
          if (type === SOCK_PACKET) throw fd.unsupported('a SOCK_PACKET socket (bound by device name)');
          const diag = state.of(fd.info.ino);
          if (diag.rxRing || diag.txRing) throw fd.unsupported('a packet socket with a memory-mapped ring');
          for (const [name, what] of [[PACKET_QDISC_BYPASS, 'PACKET_QDISC_BYPASS'], [PACKET_IGNORE_OUTGOING, 'PACKET_IGNORE_OUTGOING'], [PACKET_TX_HAS_OFF, 'PACKET_TX_HAS_OFF']] as const) {
            if (getIntOpt(sk, SOL_PACKET, name)) throw fd.unsupported(`a packet socket with ${what} set, which the images cannot keep`);
          }
          // getsockopt tells a group's flags too (packet_diag only its id and type); 0 may be group 0 of type hash.
          const fanout = diag.fanout === undefined ? NO_FANOUT : readFanout(sk);
          if (hasQueued(sk)) options.log.warn(`dump: packet socket of fd ${fd.fd} of ${fd.pid}: its queued packets are dropped`);
          const entry: Omit<PacketSockEntry, 'id'> = {
            type,
            protocol: protocolWord(diag.protocol),
            flags: fd.flags,
            ifindex: diag.ifindex,
            fown: noOwner(),
            opts: dumpSocketOpts(sk, AF_PACKET),
            version: diag.version,
            reserve: diag.reserve,
            aux_data: (diag.flags & PDI_AUXDATA) !== 0,
            orig_dev: (diag.flags & PDI_ORIGDEV) !== 0,
            vnet_hdr: (diag.flags & PDI_VNETHDR) !== 0,
            loss: (diag.flags & PDI_LOSS) !== 0,
            timestamp: diag.tstamp,
            copy_thresh: diag.copyThresh,
            mclist: mclistOf(diag),
            ...(fanout !== NO_FANOUT ? { fanout } : {}),
          };
          return files.add('PACKETSK', 'psk', id, entry);
        }));
    },
  },
  restore: {
    check(tree, fileId) {
      const e = fileEntry(tree, fileId, 'PACKETSK').psk;
      const what = `packet socket ${e.id}`;
      if (e.type === SOCK_PACKET) throw new Error(`criu-ts: ${what} is a SOCK_PACKET socket, which cannot be restored yet`);
      if (e.rx_ring || e.tx_ring) throw new Error(`criu-ts: ${what} has a memory-mapped ring, which cannot be restored yet`);
      for (const m of e.mclist ?? []) packetMreq(m);
      checkSocketOpts(e.opts, what);
    },
    open(ctx, fileId) {
      const e = fileEntry(ctx.tree, fileId, 'PACKETSK').psk;
      const sk = socket(AF_PACKET, e.type | SOCK_CLOEXEC, e.protocol);
      ctx.opened.push(sk);
      try {
        bind(sk, sockaddrLl(e.ifindex));
      } catch (err) {
        if (isSysError(err, 'ENODEV')) throw new Error(`criu-ts: packet socket ${e.id} was bound to interface ${e.ifindex}, which is not here`);
        throw err;
      }
      setIntOpt(sk, SOL_PACKET, PACKET_VERSION, e.version);
      setIntOpt(sk, SOL_PACKET, PACKET_RESERVE, e.reserve);
      setIntOpt(sk, SOL_PACKET, PACKET_TIMESTAMP, e.timestamp);
      setIntOpt(sk, SOL_PACKET, PACKET_COPY_THRESH, e.copy_thresh);
      for (const [name, on] of [[PACKET_AUXDATA, e.aux_data], [PACKET_ORIGDEV, e.orig_dev], [PACKET_VNET_HDR, e.vnet_hdr], [PACKET_LOSS, e.loss]] as const) {
        if (on) setIntOpt(sk, SOL_PACKET, name, 1);
      }
      for (const m of e.mclist ?? []) setsockopt(sk, SOL_PACKET, PACKET_ADD_MEMBERSHIP, packetMreq(m));
      if (e.fanout !== undefined && e.fanout !== NO_FANOUT) {
        const v = Buffer.alloc(4);
        writeU32(v, e.fanout, 0);
        setsockopt(sk, SOL_PACKET, PACKET_FANOUT, v);
      }
      applySocketOpts(sk, e.opts);
      finishSocketState(sk, { opts: e.opts });
      fcntl(sk, F_SETFL, e.flags & ~O_ACCMODE);
      return sk;
    },
  },
};

/** PACKET_FANOUT as getsockopt reads it: id | type << 16 | flags << 24, which setsockopt takes back. */
const readFanout = (sk: number): number => readU32(getsockopt(sk, SOL_PACKET, PACKET_FANOUT, 4), 0);
