// `npm run demo`: checkpoint a live counting process, let it vanish, bring it back, and
// watch it count on from where it stopped. Needs root and gcc.
import fs from 'node:fs';
import { dump } from '../dump/index.js';
import { lines, moreLines, start, stop, until } from './programs.js';
import { restore } from '../restore/index.js';

const show = (numbers: string[]): string => numbers.slice(-5).join(' ');

async function main(): Promise<void> {
  console.log('criu-ts demo: checkpoint and restore of a live process\n');
  console.log('1. building and starting a counter (it prints 0, 1, 2, ... every 10 ms)');
  const p = await start('counter');
  try {
    const before = await moreLines(p, 30);
    console.log(`   pid ${p.pid} says: ... ${show(before)}`);

    const d = await dump({ pid: p.pid, imagesDir: p.images });
    const last = lines(p).at(-1);
    await until(`pid ${p.pid} to go`, () => !fs.existsSync(`/proc/${p.pid}`));
    console.log(`2. dumped to ${p.images}: ${d.pagesWritten} pages, frozen for ${d.freezeMs.toFixed(1)} ms`);
    console.log(`   the process is gone; its last line was ${last}`);

    const r = await restore({ imagesDir: p.images, detached: true });
    console.log(`3. restored as pid ${r.pid} in ${r.restoreMs.toFixed(1)} ms`);
    const after = await moreLines(p, lines(p).length + 5);
    const resumed = after[after.indexOf(last!) + 1];
    console.log(`   it says: ... ${show(after)}  (went on with ${resumed} after ${last})`);
  } finally {
    stop(p);
  }
  console.log('4. stopped it. Done.');
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
