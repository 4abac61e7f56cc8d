#!/usr/bin/env node
// The criu-ts executable.
import { runCli } from './run.js';

const status = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
// Exit now: a restored tree or a leftover handle must not keep the command alive.
process.exit(status);
