// criu service: listens on a unix SOCK_SEQPACKET socket and hands each connection to a
// worker `criu-ts swrk 3` process, as CRIU forks a worker per connection; a worker that
// fails or dies takes nothing else down, and the service goes on accepting.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Logger } from '../log.js';
import { accept4, bind, listen, SOCK_CLOEXEC, SOCK_SEQPACKET, AF_UNIX, socket, sockaddrUn } from '../sys/socket.js';
import { pollIn } from '../sys/unix-seqpacket.js';

export interface ServiceOptions {
  /** Path of the socket; an old socket file there is replaced. */
  address: string;
  /** Write our PID here once we listen. */
  pidfile?: string;
  /** Write one zero byte to this fd and close it once we listen (criu's --status-fd). */
  statusFd?: number;
  log: Logger;
}

const POLL_MS = 100;

function isOpenFd(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** Serves until killed. */
export async function runService(opts: ServiceOptions): Promise<never> {
  const { log } = opts;
  // Checked before the socket exists: a bad fd is the caller's mistake, said at once.
  if (opts.statusFd !== undefined && !isOpenFd(opts.statusFd)) throw new Error(`criu-ts: --status-fd ${opts.statusFd}: no such open fd`);
  const fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
  fs.rmSync(opts.address, { force: true });
  bind(fd, sockaddrUn(Buffer.from(opts.address)));
  // Anyone may connect, as to CRIU's service; what a client may dump is what we may.
  fs.chmodSync(opts.address, 0o666);
  listen(fd, 16);
  log.info(`service: listening on ${opts.address}`);
  if (opts.pidfile) fs.writeFileSync(opts.pidfile, `${process.pid}`);
  if (opts.statusFd !== undefined) {
    fs.writeSync(opts.statusFd, Buffer.of(0));
    fs.closeSync(opts.statusFd);
  }
  for (let served = 0; ; served++) {
    while (!pollIn(fd, POLL_MS)) await new Promise((r) => setImmediate(r));
    const conn = accept4(fd);
    const worker = spawn(process.execPath, [process.argv[1]!, 'swrk', '3'], { stdio: ['ignore', 'inherit', 'inherit', conn] });
    fs.closeSync(conn);
    log.info(`service: connection ${served + 1}: worker ${worker.pid}`);
    worker.on('exit', (code, signal) => log.info(`service: worker ${worker.pid} ${signal ? `was killed by ${signal}` : `exited with ${code}`}`));
    worker.on('error', (e) => log.error(`service: worker: ${e.message}`));
  }
}
