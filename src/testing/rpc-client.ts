// A CRIU RPC client for tests, as runc drives criu: a SOCK_SEQPACKET socketpair, `criu-ts
// swrk 3` started with the other end as its fd 3, one criu_req per packet, NOTIFY answered.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RpcChannel } from '../rpc/channel.js';
import { decodeResponse, encodeRequest, type CriuReq, type CriuResp } from '../rpc/messages.js';
import { packageRoot } from '../sys/native.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_SEQPACKET, socketpair } from '../sys/socket.js';

export const criuTsMain = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

/** What a notification is answered with; the default is success. */
export type NotifyAnswer = (script: string, resp: CriuResp) => boolean;

export interface SwrkClient {
  child: ChildProcess;
  channel: RpcChannel;
  /** Every NOTIFY seen, as "script" or "script:pid". */
  notified: string[];
  /** Sends the request (or raw bytes) and returns the final answer, NOTIFYs answered on the way. */
  ask(req: CriuReq | Buffer, answer?: NotifyAnswer): Promise<CriuResp | undefined>;
  /** Resolves with the worker's exit code. */
  exited: Promise<number | null>;
  close(): void;
}

export function startSwrk(): SwrkClient {
  const [ours, theirs] = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
  const child = spawn(process.execPath, [criuTsMain, 'swrk', '3'], { stdio: ['ignore', 'ignore', 'pipe', theirs] });
  fs.closeSync(theirs);
  const channel = new RpcChannel(ours);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const notified: string[] = [];
  let closed = false;
  return {
    child, channel, notified, exited,
    async ask(req, answer = () => true) {
      channel.send(Buffer.isBuffer(req) ? req : encodeRequest(req));
      for (;;) {
        const packet = await channel.receive();
        if (packet === undefined) return undefined;
        const resp = decodeResponse(packet);
        if (resp.type !== 'NOTIFY') return resp;
        const script = resp.notify?.script ?? '';
        notified.push(resp.notify?.pid === undefined ? script : `${script}:${resp.notify.pid}`);
        channel.send(encodeRequest({ type: 'NOTIFY', notify_success: answer(script, resp) }));
      }
    },
    close() {
      if (!closed) channel.close();
      closed = true;
    },
  };
}
