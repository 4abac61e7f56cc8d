// Guest tooling CLI:
//   node dist/zdtm/guest/main.js build --arch A [--refresh]    build/verify the cache, addon, catalog
//   node dist/zdtm/guest/main.js run --arch A [--report DIR] -- CMD...   run one command in a guest
import { archByName } from '../../src/arch/index.js';
import { ensureGuest, runInGuest, stderrLogger } from './index.js';
import { buildAddon, buildRepoFor } from './cross.js';

function usage(): never {
  process.stderr.write('usage: main.js build --arch A [--refresh] | run --arch A [--report DIR] -- CMD...\n');
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const dash = rest.indexOf('--');
  const flags = dash < 0 ? rest : rest.slice(0, dash);
  const command = dash < 0 ? [] : rest.slice(dash + 1);
  const value = (name: string) => {
    const i = flags.indexOf(name);
    return i >= 0 ? flags[i + 1] : undefined;
  };
  const archName = value('--arch');
  if (!archName) usage();
  const arch = archByName(archName);
  const log = stderrLogger(`[guest ${arch.name}]`);
  if (cmd === 'build') {
    const t0 = Date.now();
    const image = ensureGuest(arch, { refresh: flags.includes('--refresh'), log });
    const addon = buildAddon(arch, log);
    const notes = buildRepoFor(arch, log);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`${arch.name}: kernel ${image.kernelVersion}, nodejs ${image.nodeVersion}, addon ${addon} (${secs} s)\n`);
    notes.forEach((n) => process.stdout.write(`${arch.name}: ${n}\n`));
    return 0;
  }
  if (cmd === 'run') {
    if (command.length === 0) usage();
    const run = await runInGuest(arch, command, value('--report') ?? `/tmp/criu-ts-guest-${arch.name}`, log);
    const boot = run.bootSeconds?.toFixed(1) ?? '-';
    process.stdout.write(`${arch.name}: boot ${boot} s, total ${run.totalSeconds.toFixed(1)} s, ${run.reason ?? 'ok'}\n`);
    return run.reason === undefined ? 0 : 1;
  }
  usage();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`criu-ts guest: ${e.message}\n`);
    process.exit(1);
  },
);
