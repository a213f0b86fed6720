/**
 * Formats rows as a left-aligned text table with a dashed rule under the header.
 *
 * @example
 * ```ts
 * formatTable([['input', 'pred'], ['digit7', '7']]);
 * ```
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return (
    [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join(
      '\n',
    ) + '\n'
  );
}

/**
 * A number for the table: fixed with 6 significant digits, exponential when tiny or huge.
 *
 * @example
 * ```ts
 * formatNumber(12.3456789); // '12.3457'
 * ```
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2);
  return Number(v.toPrecision(6)).toString();
}
