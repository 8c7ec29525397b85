/**
 * Draws a metric chart as PNG without a browser: the chart is built as SVG text (a pure
 * function, easy to test and to change), then rasterised by resvg (@resvg/resvg-js, the Rust
 * SVG renderer as a prebuilt native module: no canvas, no system libraries, fonts from the
 * system). A line with its area, the threshold dashed when the rule has one, the value range
 * and the time axis in UTC.
 * @module
 */
import { renderAsync } from '@resvg/resvg-js';
import { formatMetric } from '../../alerts/templates/format.js';
import { escapeHtml } from '../channels/render.js';
import type { ChartImage } from '../channels/types.js';
import type { ChartSeries } from './series.js';

export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 240;

const PAD = { left: 70, right: 16, top: 34, bottom: 28 };
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** The chart as SVG. */
export function chartSvg(s: ChartSeries, width = CHART_WIDTH, height = CHART_HEIGHT): string {
  const values = s.points.map((p) => p.v);
  if (s.threshold !== undefined) values.push(s.threshold);
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values);
  // A share reads best on its whole scale, 0 to 100 %.
  if (s.metric.endsWith('_percent') && hi <= 100) hi = 100;
  else hi += (hi - lo) * 0.05;
  if (hi <= lo) hi = lo + 1;
  if (lo < 0) lo -= (hi - lo) * 0.05;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - s.from) / Math.max(1, s.to - s.from)) * plotW;
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH;
  const f = (n: number) => n.toFixed(1);
  const line = s.points.map((p) => `${f(x(p.t))},${f(y(p.v))}`).join(' ');
  const first = s.points[0];
  const last = s.points[s.points.length - 1];
  const area =
    first && last
      ? `<polygon fill="#3b82f6" fill-opacity="0.15" points="${f(x(first.t))},${f(y(lo))} ${line} ${f(x(last.t))},${f(y(lo))}"/>`
      : '';
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((k) => {
      const v = lo + (hi - lo) * k;
      return `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e5e7eb"/><text x="${PAD.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${escapeHtml(formatMetric(s.metric, v))}</text>`;
    })
    .join('');
  const ticks = [0, 1, 2, 3, 4]
    .map((k) => {
      const t = s.from + ((s.to - s.from) * k) / 4;
      return `<text x="${f(x(t))}" y="${height - 8}" text-anchor="middle">${hhmm(t)}</text>`;
    })
    .join('');
  const threshold =
    s.threshold === undefined
      ? ''
      : `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${f(y(s.threshold))}" y2="${f(y(s.threshold))}" stroke="#dc2626" stroke-dasharray="6 4" stroke-width="1.5"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11" fill="#374151">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${PAD.left}" y="20" font-size="14" font-weight="bold">${escapeHtml(s.title)}</text>
${grid}${ticks}${area}
<polyline fill="none" stroke="#2563eb" stroke-width="2" stroke-linejoin="round" points="${line}"/>
${threshold}
<text x="${width - PAD.right}" y="20" text-anchor="end">UTC</text>
</svg>`;
}

/** The chart as PNG, rasterised off the event loop (resvg's thread pool). */
export async function renderChart(s: ChartSeries): Promise<ChartImage> {
  const image = await renderAsync(chartSvg(s), {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return { png: Buffer.from(image.asPng()), width: CHART_WIDTH, height: CHART_HEIGHT, title: s.title };
}
