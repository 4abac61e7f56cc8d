// A desc's "needs": "root", or a kernel/CLI feature that `<criu> check --feature NAME` answers
// (exit 0 = supported), so the runner and the checkpoint tool agree on what a feature means.
// When one tool dumps and another restores, both must have it.
import { execFile } from 'node:child_process';

/** Returns undefined when the need is met, else the reason to skip. */
export type NeedCheck = (need: string) => Promise<string | undefined>;

export function needsChecker(...tools: (readonly string[])[]): NeedCheck {
  const cache = new Map<string, Promise<string | undefined>>();
  const distinct = [...new Map(tools.map((t) => [t.join(' '), t])).values()];
  const probe = async (need: string): Promise<string | undefined> => {
    if (need === 'root') return process.geteuid?.() === 0 ? undefined : 'needs root';
    for (const criu of distinct) {
      const why = await checkFeature(criu, need);
      if (why) return why;
    }
    return undefined;
  };
  return (need) => {
    let p = cache.get(need);
    if (!p) cache.set(need, (p = probe(need)));
    return p;
  };
}

function checkFeature(criu: readonly string[], need: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(criu[0]!, [...criu.slice(1), 'check', '--feature', need], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(undefined);
      const why = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).filter(Boolean).pop();
      resolve(`needs ${need}${why ? ` (${why.slice(0, 160)})` : ''}`);
    });
  });
}
