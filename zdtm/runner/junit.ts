// JUnit XML for CI: one <testsuite> per arch, one <testcase> per test. Expected failures are
// reported as skipped with their reason (as pytest does for xfail); unexpected passes fail.
import { tally, type RunReport, type TestResult } from './results.js';

/** Escapes for attribute and text content, and drops characters XML 1.0 cannot hold at all. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(suite: string, r: TestResult): string {
  const open = `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(r.name)}" time="${seconds(r.durationMs)}"`;
  const body = (inner: string) => `${open}>\n      ${inner}\n    </testcase>`;
  switch (r.kind) {
    case 'pass':
      return `${open}/>`;
    case 'skip':
      return body(`<skipped message="${xmlEscape(r.note)}"/>`);
    case 'expected-fail':
      return body(`<skipped message="${xmlEscape(`expected-fail: ${r.note}`)}">${xmlEscape(r.failure ?? '')}</skipped>`);
    case 'unexpected-pass':
    case 'fail':
      return body(`<failure message="${xmlEscape(r.note)}" type="${r.kind}">${xmlEscape(r.note)}${r.workDir ? `\nwork dir: ${xmlEscape(r.workDir)}` : ''}</failure>`);
  }
}

export function toJUnit(runs: readonly RunReport[]): string {
  const suites = runs.map((run) => {
    const name = `zdtm.${run.arch}${run.mode === 'nocr' ? '.nocr' : ''}`;
    const t = tally(run.results);
    const time = run.results.reduce((a, r) => a + r.durationMs, 0);
    const cases = run.results.map((r) => testcase(name, r));
    if (run.error) cases.push(`    <testcase classname="${xmlEscape(name)}" name="(run)" time="0">\n      <error message="${xmlEscape(run.error)}"/>\n    </testcase>`);
    const attrs = `name="${xmlEscape(name)}" tests="${cases.length}" failures="${t.failed}" errors="${run.error ? 1 : 0}" skipped="${t.skipped + t.expectedFail}" time="${seconds(time)}" timestamp="${xmlEscape(run.startedAt)}"`;
    return `  <testsuite ${attrs}>\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
