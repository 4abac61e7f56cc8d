// The human-readable report: one row per test, then (printed by the caller) the closing line.
import { addTallies, closingLine, runTally, type RunReport, type TestResult } from './results.js';

const mean = (xs: readonly number[]) => (xs.length ? String(Math.round(xs.reduce((a, b) => a + b, 0) / xs.length)) : '-');

function row(r: TestResult): string[] {
  return [r.name, r.kind, mean(r.dumpMs), mean(r.restoreMs), r.imageBytes === undefined ? '-' : String(r.imageBytes), r.note.replace(/\s+/g, ' ')];
}

/** A fixed-width table; numbers right-aligned, the note last and unpadded. */
export function formatTable(report: RunReport): string {
  const head = ['test', 'result', 'dump ms', 'restore ms', 'image bytes', 'note'];
  const rows = [head, ...report.results.map(row)];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = [false, false, true, true, true, false];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The heading of one arch's section. */
function sectionTitle(report: RunReport): string {
  const pre = report.preDumps ? `, ${report.preDumps} pre-dump${report.preDumps > 1 ? 's' : ''} each` : '';
  const mode = report.mode === 'nocr' ? 'no C/R' : `C/R x${report.iters}${pre}${report.criu ? ` via ${report.criu}` : ''}`;
  return `== zdtm ${report.arch} (${mode}) ==`;
}

/**
 * The whole printed report: a section per arch (closed by "<arch>: N passed, ..." when there are
 * several), where the work dirs are, and last the closing line (the total), alone on its line.
 */
export function formatRuns(runs: readonly RunReport[], reportDir: string): string {
  const lines: string[] = [];
  for (const run of runs) {
    lines.push(sectionTitle(run));
    if (run.results.length) lines.push(formatTable(run));
    if (run.error) lines.push(`error: ${run.error}`);
    if (runs.length > 1) lines.push(`${run.arch}: ${closingLine(runTally(run))}`);
  }
  lines.push(`report: ${reportDir}`, closingLine(addTallies(runs.map(runTally))));
  return lines.join('\n') + '\n';
}
