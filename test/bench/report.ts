/**
 * Benchmark output: an aligned table on stdout and the same figures as JSON in
 * test-results/bench-<name>.json.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { resultsPath } from '../lib/paths.js';

export type Row = Record<string, string | number | boolean | null>;

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => `  ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')}`;
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(columns.map((c) => cell(r[c]))));
}

export function writeJson(name: string, data: unknown): string {
  const path = resultsPath(`bench-${name}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
