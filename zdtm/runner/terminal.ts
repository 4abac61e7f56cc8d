// A terminal for tests that run as shell jobs (desc "terminal": true): tools/tty-host makes a
// pseudo-terminal and a session on it and runs, as foreground jobs there, the commands we
// send it (the test's start and the restore), as an interactive shell would.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import type { CommandResult } from './command.js';
import { waitFor } from './procs.js';

export class Terminal {
  private readonly fifo: string;
  private next = 0;
  /** PID of the tty-host process (it is not in the terminal's session). */
  readonly pid: number;

  /** Starts host (tools/tty-host, with any launcher prefix) in dir; its terminal's output goes to dir/terminal.log. */
  constructor(host: readonly string[], private readonly dir: string) {
    this.fifo = path.join(dir, 'terminal.cmd');
    fs.rmSync(this.fifo, { force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', ['-m', '600', this.fifo]);
    const child = spawn(host[0]!, [...host.slice(1), this.fifo, path.join(dir, 'terminal.log')], { stdio: 'ignore', detached: true });
    child.unref();
    if (child.pid === undefined) throw new Error(`zdtm: cannot start ${host.join(' ')}`);
    this.pid = child.pid;
  }

  /** Sends one line to the host, once it has the fifo open (a writer without a reader gets ENXIO). */
  private async send(line: string, deadline: number): Promise<void> {
    let fd: number | undefined;
    const open = (): boolean => {
      try {
        fd = fs.openSync(this.fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
        return false;
      }
    };
    if (!(await waitFor(open, deadline))) throw new Error('zdtm: the terminal host did not start');
    try {
      fs.writeSync(fd!, line);
    } finally {
      fs.closeSync(fd!);
    }
  }

  /**
   * Runs argv as a foreground job on the terminal, in cwd; `redirect` says which of its stdout
   * and stderr go to outputFile (the rest stays on the terminal).
   */
  async run(argv: readonly string[], o: { cwd: string; outputFile: string; deadline: number; redirect: '2' | '12' }): Promise<CommandResult> {
    const t0 = Date.now();
    const status = path.join(this.dir, `terminal.status.${++this.next}`);
    const fields = [status, o.outputFile, o.redirect, o.cwd, ...argv];
    if (fields.some((f) => /[\t\n]/.test(f))) throw new Error('zdtm: a terminal command may hold no tab or newline');
    await this.send(`${fields.join('\t')}\n`, o.deadline);
    const done = await waitFor(() => fs.existsSync(status), o.deadline);
    const ms = Date.now() - t0;
    if (!done) return { timedOut: true, ms };
    const code = Number(fs.readFileSync(status, 'utf8').trim());
    return code > 128 ? { signal: `signal ${code - 128}`, timedOut: false, ms } : { code, timedOut: false, ms };
  }
}
