#!/usr/bin/env node
// criu-ts command line entry.
process.stdout.write('criu-ts: not built yet\n');
