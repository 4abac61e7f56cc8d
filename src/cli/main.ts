#!/usr/bin/env node
// The criu-ts executable.
import { runCli } from './run.js';

const status = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
// Exit once stdout and stderr are flushed (writes to pipes are asynchronous), without waiting
// for anything else: a restored tree or a leftover handle must not keep the command alive.
process.exitCode = status;
process.stdout.write('', () => process.stderr.write('', () => process.exit(status)));
