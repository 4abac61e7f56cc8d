// Serving one RPC connection (criu swrk FD, and each connection of criu service): read a
// criu_req, answer with a criu_resp, as long as the client keeps the connection open (or
// sends keep_open). Every request gets an answer, a malformed packet too (CRIU drops the
// connection there); DUMP and RESTORE run through the library API, with notify_scripts
// turned into NOTIFY round trips at the action stages (src/actions.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionHook } from '../actions.js';
import { LineLogger, silentLogger, type Logger, type LogRoute } from '../log.js';
import { wait, type WaitStatus } from '../sys/ptrace.js';
import { isSysError } from '../sys/native.js';
import type { RpcChannel } from './channel.js';
import { BadRequest, decodeRequest, encodeResponse, type CriuReq, type CriuResp, type RequestType } from './messages.js';
import { readOptions, type Operation, type RpcSettings } from './options.js';
import { versionAnswer } from './version.js';

const { ENOTSUP, ECHILD } = os.constants.errno;

/** CRIU's log file name when the client names none. */
const DEFAULT_LOG_FILE = 'criu.log';

/** Requests criu-ts does not serve, with why. */
const refusedRequests: Partial<Record<string, string>> = {
  PAGE_SERVER: 'the page server',
  PAGE_SERVER_CHLD: 'the page server',
  CPUINFO_DUMP: 'CPU info images (criu-ts does not compare CPU features)',
  CPUINFO_CHECK: 'CPU info images (criu-ts does not compare CPU features)',
};

export interface ServeOptions {
  /** criu-ts's own version, named in VERSION answers. */
  version: string;
  /** Where the server's own lines go (not a request's log). */
  log?: Logger;
}

/** A request that fails with this message and errno in its answer. */
class Refused extends Error {
  constructor(message: string, readonly errno = ENOTSUP) {
    super(message);
  }
}

/** A request of no type we serve: answered as EMPTY, as CRIU answers one. */
class InvalidRequest extends Refused {}

/** A failed request's answer; DUMP and RESTORE ones carry their part as CRIU's do. */
const failure = (type: RequestType, e: unknown): CriuResp => ({
  type: e instanceof InvalidRequest ? 'EMPTY' : type,
  success: false,
  cr_errmsg: (e as Error).message,
  ...(e instanceof Refused ? { cr_errno: e.errno } : isSysError(e) ? { cr_errno: e.errno } : {}),
  ...(type === 'DUMP' ? { dump: { restored: false } } : type === 'RESTORE' ? { restore: { pid: -1 } } : {}),
});

/**
 * Serves requests on the channel until the client closes it or a request ends the session.
 * A PRE_DUMP opens a sequence, as in CRIU: the connection stays open after it whatever
 * keep_open says, and only another PRE_DUMP or the final DUMP may follow.
 */
export async function serveConnection(channel: RpcChannel, opts: ServeOptions): Promise<void> {
  const log = opts.log ?? silentLogger;
  let inPreDumps = false;
  for (;;) {
    const packet = await channel.receive();
    if (packet === undefined) return;
    let req: CriuReq;
    try {
      req = decodeRequest(packet);
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      log.error(`rpc: ${e.message}`);
      channel.send(encodeResponse({ type: 'EMPTY', success: false, cr_errmsg: `criu-ts: ${e.message}` }));
      continue;
    }
    log.info(`rpc: ${String(req.type)} request`);
    if (inPreDumps && req.type !== 'PRE_DUMP' && req.type !== 'DUMP') {
      const why = `criu-ts: ${String(req.type)} after PRE_DUMP: only another PRE_DUMP or the DUMP may follow`;
      channel.send(encodeResponse(failure('EMPTY', new InvalidRequest(why, os.constants.errno.EINVAL))));
      return;
    }
    const resp = await answer(req, channel, opts, log).catch((e: unknown) => failure(req.type, e));
    channel.send(encodeResponse(resp));
    inPreDumps = req.type === 'PRE_DUMP' && resp.success;
    if (req.type === 'PRE_DUMP' && !resp.success) return;
    if (!inPreDumps && !req.keep_open) return;
  }
}

async function answer(req: CriuReq, channel: RpcChannel, opts: ServeOptions, log: Logger): Promise<CriuResp> {
  const type = req.type;
  switch (type) {
    case 'VERSION':
      return { type, success: true, version: versionAnswer(opts.version) };
    case 'FEATURE_CHECK':
      // mem_track is what runc asks before a pre-dump: criu-ts's incremental dumps work on any
      // kernel (changed pages found by comparison). It has no lazy pages or pidfd store yet.
      return { type, success: true, features: { mem_track: true, lazy_pages: false, pidfd_store: false } };
    case 'CHECK':
      return check(req, channel);
    case 'WAIT_PID':
      return waitPid(req.pid ?? 0);
    case 'DUMP':
    case 'RESTORE':
    case 'PRE_DUMP':
    case 'SINGLE_PRE_DUMP':
      return runOperation(type, req, channel, log);
    default: {
      const why = typeof type === 'string' ? refusedRequests[type] : undefined;
      if (why) throw new Refused(`criu-ts: ${type}: ${why} is not supported yet`);
      throw new InvalidRequest(`criu-ts: invalid request type ${String(type)}`, os.constants.errno.EINVAL);
    }
  }
}

async function check(req: CriuReq, channel: RpcChannel): Promise<CriuResp> {
  const { features } = await import('../cli/features.js');
  const { runChecks } = await import('../cli/commands.js');
  const session = req.opts?.log_file ? openSession(readOptions(req.opts, 'dump'), channel) : undefined;
  try {
    const [status, verdict] = runChecks(features.filter((f) => f.basic), session?.log ?? silentLogger);
    if (status !== 0) throw new Error(`criu-ts: check: ${verdict.split('\n')[0]}`);
    return { type: 'CHECK', success: true };
  } finally {
    session?.close();
  }
}

/** The raw wait status, as CRIU answers it. */
function rawStatus(s: WaitStatus): number {
  if (s.kind === 'exited') return s.code << 8;
  if (s.kind === 'signaled') return s.signal;
  return 0;
}

function waitPid(pid: number): CriuResp {
  try {
    return { type: 'WAIT_PID', success: true, status: rawStatus(wait(pid)) };
  } catch (e) {
    return { type: 'WAIT_PID', success: false, cr_errno: isSysError(e) ? e.errno : ECHILD, cr_errmsg: `criu-ts: wait for ${pid}: ${(e as Error).message}` };
  }
}

interface Session {
  imagesDir: string;
  log: Logger;
  close(): void;
}

/**
 * The images and work directories as the client gave them (its fds, reopened through
 * /proc/PEER/fd, as CRIU does; paths otherwise) and the request's log in the work dir.
 */
function openSession(s: RpcSettings, channel: RpcChannel): Session {
  const opened: number[] = [];
  const peer = channel.peer().pid;
  const dirOf = (fd: number, what: string): string => {
    try {
      opened.push(fs.openSync(`/proc/${peer}/fd/${fd}`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
    } catch (e) {
      throw new Refused(`criu-ts: ${what} fd ${fd} of the client (pid ${peer}): ${(e as Error).message}`, os.constants.errno.EBADF);
    }
    return `/proc/self/fd/${opened.at(-1)}`;
  };
  const imagesDir = s.imagesDirFd !== undefined ? dirOf(s.imagesDirFd, 'images_dir_fd') : s.imagesDir;
  const workDir = s.workDirFd !== undefined ? dirOf(s.workDirFd, 'work_dir_fd') : imagesDir;
  let logFd: number | undefined;
  const routes: LogRoute[] = [];
  if (s.logToStderr) routes.push({ sink: process.stderr, maxLevel: s.logLevel });
  else if (workDir !== undefined) {
    logFd = fs.openSync(path.join(workDir, s.logFile ?? DEFAULT_LOG_FILE), 'w', 0o644);
    const fd = logFd;
    routes.push({ sink: { write: (text) => void fs.writeSync(fd, text) }, maxLevel: s.logLevel });
  }
  const log = new LineLogger(routes);
  return {
    imagesDir: imagesDir ?? '',
    log,
    close() {
      if (logFd !== undefined) fs.closeSync(logFd);
      for (const fd of opened) fs.closeSync(fd);
    },
  };
}

/** NOTIFY round trips: the stage's name (and the root's PID, the fd) out, the client's word back. */
export function notifier(channel: RpcChannel, log: Logger): ActionHook {
  return async (stage, info) => {
    const notify = info.pid === undefined ? { script: stage } : { script: stage, pid: info.pid };
    channel.send(encodeResponse({ type: 'NOTIFY', success: true, notify }), info.fd);
    const packet = await channel.receive();
    if (packet === undefined) throw new Error(`criu-ts: the RPC client went away at ${stage}`);
    const reply = decodeRequest(packet);
    if (reply.type !== 'NOTIFY' || !reply.notify_success) {
      log.error(`rpc: the client failed the ${stage} notification`);
      throw new Error(`criu-ts: the RPC client reported an error at ${stage}`);
    }
  };
}

type OperationRequest = 'DUMP' | 'RESTORE' | 'PRE_DUMP' | 'SINGLE_PRE_DUMP';

async function runOperation(type: OperationRequest, req: CriuReq, channel: RpcChannel, serverLog: Logger): Promise<CriuResp> {
  const op: Operation = type === 'RESTORE' ? 'restore' : 'dump';
  const settings = readOptions(req.opts, op);
  if (settings.imagesDirFd === undefined && settings.imagesDir === undefined) {
    throw new Refused('criu-ts: neither images_dir_fd nor images_dir was given', os.constants.errno.EINVAL);
  }
  // The log first, so that a refusal is in it too: that is where runc points its users.
  const session = openSession(settings, channel);
  const log = session.log;
  try {
    for (const note of settings.notes) log.info(`rpc: ${note}`);
    if (settings.refusals.length) throw new Refused(`criu-ts: ${type}: not supported yet: ${settings.refusals.join('; ')}`);
    const actions = settings.notify ? notifier(channel, log) : undefined;
    const { formatDumpStats, formatRestoreStats } = await import('../cli/commands.js');
    if (op === 'dump') {
      const { pid, ...rest } = settings.dump;
      if (pid === undefined) throw new Refused(`criu-ts: ${type} without pid (dumping the client itself) is not supported yet`);
      if (type !== 'DUMP') {
        const { preDump, preDumpOptionsOf } = await import('../dump/pre-dump.js');
        const result = await preDump(preDumpOptionsOf({ ...rest, pid, imagesDir: session.imagesDir, log }));
        if (settings.displayStats) log.info(formatDumpStats(result));
        return { type, success: true };
      }
      const { dump } = await import('../dump/index.js');
      const result = await dump({ ...rest, pid, imagesDir: session.imagesDir, log, ...(actions ? { actions } : {}) });
      if (settings.displayStats) log.info(formatDumpStats(result));
      return { type, success: true, dump: { restored: false } };
    }
    const { restore } = await import('../restore/index.js');
    // As CRIU's RPC: the tree is always restored detached.
    const result = await restore({ ...settings.restore, detached: true, imagesDir: session.imagesDir, log, ...(actions ? { actions } : {}) });
    if (settings.displayStats) log.info(formatRestoreStats(result));
    return { type, success: true, restore: { pid: result.pid } };
  } catch (e) {
    log.error((e as Error).message);
    serverLog.error(`rpc: ${type}: ${(e as Error).message}`);
    return failure(type, e);
  } finally {
    session.close();
  }
}
