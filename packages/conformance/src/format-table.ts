import { caseLabel } from './cases.js';
import type { ConformanceRow } from './row.js';

function num(v: number | null): string {
  if (v === null) return '—';
  if (Number.isNaN(v)) return 'n/a';
  return v === 0 ? '0' : v.toExponential(2);
}

/**
 * Formats conformance rows as an aligned text table with a summary line: backend, fixture, case,
 * precision and tolerance, max relative error, completeness residual, status and reason.
 *
 * @example
 * ```ts
 * console.log(formatConformanceTable(await runConformance({ name: 'ref', createBackend: () => new ReferenceBackend() })));
 * ```
 */
export function formatConformanceTable(rows: readonly ConformanceRow[]): string {
  const header = [
    'backend',
    'fixture',
    'case',
    'precision (tol)',
    'max rel error',
    'completeness',
    'status',
    'reason',
  ];
  const body = rows.map((r) => [
    r.backend,
    r.fixture,
    caseLabel(r),
    `${r.precision} (${num(r.tolerance)})`,
    num(r.maxRelError),
    num(r.completenessResidual),
    r.status.toUpperCase(),
    r.reason ?? '',
  ]);
  const table = [header, ...body];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const line = (row: string[]): string =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  const count = (s: ConformanceRow['status']): number => rows.filter((r) => r.status === s).length;
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    `${rows.length} cases: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`,
  ].join('\n');
}
