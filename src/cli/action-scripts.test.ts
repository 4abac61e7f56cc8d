// --action-script: each script runs at each stage with CRIU's variables; a failing one fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { actionScripts } from './action-scripts.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-action-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('actionScripts', () => {
  it('runs every script with CRTOOLS_SCRIPT_ACTION, CRTOOLS_IMAGE_DIR and CRTOOLS_INIT_PID', async () => {
    const out = path.join(tmp, 'seen');
    const log = script('log.sh', `echo "$CRTOOLS_SCRIPT_ACTION $CRTOOLS_IMAGE_DIR \${CRTOOLS_INIT_PID:-none}" >> ${out}`);
    const restore = actionScripts([log], '/img', silentLogger);
    await restore('pre-restore', {});
    await restore('setup-namespaces', { pid: 42 });
    await restore('post-restore', {});
    expect(fs.readFileSync(out, 'utf8')).toBe('pre-restore /img none\nsetup-namespaces /img 42\npost-restore /img 42\n');
  });

  it('fails the stage when a script fails', async () => {
    const hook = actionScripts([script('fail.sh', 'exit 3')], '/img', silentLogger, 7);
    await expect(hook('post-dump', {})).rejects.toThrow(/fail\.sh \(post-dump\) exited with 3/);
  });
});
