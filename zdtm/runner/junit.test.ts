import { describe, expect, it } from 'vitest';
import { toJUnit, xmlEscape } from './junit.js';
import type { RunReport } from './results.js';

/** A small well-formedness check: balanced tags, quoted attributes, only the five entities. */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (let m: RegExpExecArray | null; (m = token.exec(body)); ) {
    if (m[6]) throw new Error(`stray "<" at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    const text = m[5] ?? m[3] ?? '';
    for (const amp of text.matchAll(/&[^;]*;?/g)) {
      if (!/^&(amp|lt|gt|quot|apos);$/.test(amp[0])) throw new Error(`bad entity ${amp[0]}`);
    }
    if (m[5] !== undefined) {
      if (!stack.length && m[5].trim()) throw new Error('text outside the root element');
      continue;
    }
    if (m[1]) {
      if (stack.pop() !== m[2]) throw new Error(`unbalanced </${m[2]}>`);
    } else if (!m[4]) stack.push(m[2]!);
  }
  if (stack.length) throw new Error(`unclosed ${stack.join(', ')}`);
}

const run: RunReport = {
  arch: 'x86_64',
  mode: 'cr',
  iters: 1,
  criu: 'criu-ts',
  startedAt: '2026-01-01T00:00:00.000Z',
  results: [
    { name: 'p', kind: 'pass', note: '', dumpMs: [1], restoreMs: [2], durationMs: 1500 },
    { name: 'f', kind: 'fail', note: 'FAIL: a.c:1 x < y & "z" \u0001', dumpMs: [], restoreMs: [], durationMs: 10, workDir: '/tmp/w' },
    { name: 'u', kind: 'unexpected-pass', note: 'passes now: remove expected:fail', dumpMs: [], restoreMs: [], durationMs: 10 },
    { name: 'x', kind: 'expected-fail', note: "pipes <later>", failure: "FAIL: it's broken", dumpMs: [], restoreMs: [], durationMs: 10 },
    { name: 's', kind: 'skip', note: 'needs root', dumpMs: [], restoreMs: [], durationMs: 0 },
  ],
};

describe('xmlEscape', () => {
  it('escapes markup and replaces characters XML cannot hold', () => {
    expect(xmlEscape(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(xmlEscape('a\u0000b\u001bc\td')).toBe('a\uFFFDb\uFFFDc\td');
  });
});

describe('toJUnit', () => {
  const xml = toJUnit([run, { ...run, arch: 'aarch64', results: [], error: 'guest <did not> boot' }]);

  it('is well-formed', () => {
    expect(() => assertWellFormed(xml)).not.toThrow();
  });

  it('the checker used above does catch broken XML', () => {
    expect(() => assertWellFormed('<a><b></a>')).toThrow();
    expect(() => assertWellFormed('<a>x & y</a>')).toThrow();
    expect(() => assertWellFormed('<a>x < y</a>')).toThrow();
  });

  it('has one testcase per test with failures, skips and counts', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(6); // 5 tests + the failed aarch64 run
    expect(xml).toContain('<testsuite name="zdtm.x86_64" tests="5" failures="2" errors="0" skipped="2" time="1.530"');
    expect(xml).toContain('<failure message="FAIL: a.c:1 x &lt; y &amp; &quot;z&quot; \uFFFD" type="fail">');
    expect(xml).toContain('<failure message="passes now: remove expected:fail" type="unexpected-pass">');
    expect(xml).toContain('<skipped message="expected-fail: pipes &lt;later&gt;">FAIL: it&apos;s broken</skipped>');
    expect(xml).toContain('<skipped message="needs root"/>');
    expect(xml).toContain('<error message="guest &lt;did not&gt; boot"/>');
  });
});
