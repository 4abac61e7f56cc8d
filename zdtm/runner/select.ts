// Which tests of the catalog run on this arch, and why the others are skipped (never silently).
import type { TestDesc } from './desc.js';
import type { NeedCheck } from './needs.js';

export interface PlannedTest {
  desc: TestDesc;
  /** Why it will not run; absent when it will. */
  skip?: string;
}

/** The runner runs the host flavor only: tests in the runner's own namespaces. */
const RUNNABLE_FLAVOR = 'h';

/** Tests matching `filter` (others are simply not part of the run), each with a skip reason if any. */
export function selectTests(descs: readonly TestDesc[], arch: string, filter?: RegExp): PlannedTest[] {
  return descs
    .filter((d) => !filter || filter.test(d.name))
    .map((desc) => {
      if (desc.arches && !(desc.arches as string[]).includes(arch)) {
        return { desc, skip: `not for ${arch} (arches: ${desc.arches.join(', ')})` };
      }
      if (!desc.flavors.includes(RUNNABLE_FLAVOR)) {
        return { desc, skip: `flavors ${desc.flavors.join(', ')} not supported by the runner (only "h")` };
      }
      return { desc };
    });
}

/** Adds a skip reason to each runnable test whose needs are not met here. */
export async function applyNeeds(planned: PlannedTest[], check: NeedCheck): Promise<PlannedTest[]> {
  return Promise.all(
    planned.map(async (p) => {
      if (p.skip) return p;
      for (const need of p.desc.needs) {
        const why = await check(need);
        if (why) return { ...p, skip: why };
      }
      return p;
    }),
  );
}
