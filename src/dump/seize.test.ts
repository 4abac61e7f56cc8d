// seizeTree on a tree whose children exit all the time: a child caught exiting (listed,
// then gone or a zombie while we seize it) must neither fail the freeze nor be seized twice.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { LineLogger } from '../log.js';
import { seizeTree } from './seize.js';

const shell = spawn('sh', ['-c', 'while :; do /bin/true; done'], { stdio: 'ignore' });
afterAll(() => { shell.kill('SIGKILL'); });

describe('seizeTree with short-lived children', () => {
  it('freezes and releases the tree 300 times without a failure', () => {
    const warnings: string[] = [];
    const log = new LineLogger([{ sink: { write: (t) => warnings.push(t) }, maxLevel: 2 }]);
    let zombies = 0;
    for (let i = 0; i < 300; i++) {
      const tree = seizeTree(shell.pid!, log);
      expect(tree.tasks[0]!.pid).toBe(shell.pid);
      zombies += tree.zombies.length;
      tree.release();
    }
    expect(warnings).toEqual([]);
    expect(fs.readFileSync(`/proc/${shell.pid}/status`, 'utf8')).toMatch(/TracerPid:\s+0\n/);
    // The point of the loop: some freezes caught a child between its exit and its reaping.
    expect(zombies).toBeGreaterThan(0);
  });
});
