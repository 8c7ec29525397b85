/**
 * Series export as CSV (RFC 4180: a header line, comma-separated fields, CRLF line ends): one
 * line per point, the columns in the order of the point's fields, `t` as epoch ms and as ISO time.
 * @module
 */

import type { Context } from 'hono';

type Point = { t: number } & Record<string, number>;

/** The CSV text of a series; pure. Numbers need no quoting, so none is done. */
export function seriesCsv(resolution: string, points: readonly Point[]): string {
  const first = points[0];
  if (!first) return 'resolution,t,time\r\n';
  const fields = Object.keys(first).filter((k) => k !== 't');
  const lines = [['resolution', 't', 'time', ...fields].join(',')];
  for (const p of points) {
    lines.push([resolution, p.t, new Date(p.t).toISOString(), ...fields.map((f) => p[f])].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Answers a series as JSON, or as a CSV attachment named after the object and range. */
export function seriesResponse(
  c: Context,
  format: 'json' | 'csv' | undefined,
  name: string,
  series: { resolution: string; points: readonly Point[] },
): Response {
  if (format !== 'csv') return c.json(series);
  const first = series.points[0]?.t ?? 0;
  return c.body(seriesCsv(series.resolution, series.points), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}-${first}.csv"`,
  });
}
