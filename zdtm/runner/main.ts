#!/usr/bin/env node
// `npm run zdtm -- ...`: see zdtm/README.md.
import { runCli } from './cli.js';
import { killActiveTests } from './test-run.js';

// An interrupted run must not leave test processes (or restored ones) behind.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killActiveTests();
    process.exit(130);
  });
}

process.exitCode = await runCli(process.argv.slice(2));
