/**
 * The alert history endpoints the History page uses: the timeline page by page, MTTA/MTTR, the
 * noisiest rules and the heatmap, each parsed with the shared schema; and the export links.
 * @module
 */
import {
  AlertHeatmapSchema,
  AlertHistoryPageSchema,
  type AlertInstanceState,
  AlertNoisiestSchema,
  AlertStatsSchema,
} from '@unity/shared';
import { parsed } from './alert-routing-client.js';
import { request } from './client.js';

export type HistoryRange = { from: number; to: number };

export type TimelineFilter = {
  ruleId?: string;
  states?: AlertInstanceState[];
  /** `host=h1,container=web` */
  labels?: string;
};

function query(range: HistoryRange, extra: Record<string, string | undefined>): string {
  const qs = new URLSearchParams({ from: String(range.from), to: String(range.to) });
  for (const [k, v] of Object.entries(extra)) if (v) qs.set(k, v);
  return qs.toString();
}

const filterParams = (f: TimelineFilter) => ({
  ruleId: f.ruleId,
  state: f.states?.join(','),
  labels: f.labels?.trim(),
});

export const alertHistoryApi = {
  timeline: (range: HistoryRange, f: TimelineFilter, cursor: string | null, limit = 50) =>
    parsed(
      AlertHistoryPageSchema,
      request(
        `/api/alert-history?${query(range, { ...filterParams(f), cursor: cursor ?? undefined, limit: String(limit) })}`,
      ),
    ),
  stats: (range: HistoryRange) =>
    parsed(AlertStatsSchema, request(`/api/alert-history/stats?${query(range, {})}`)),
  noisiest: (range: HistoryRange) =>
    parsed(AlertNoisiestSchema, request(`/api/alert-history/noisiest?${query(range, { limit: '10' })}`)),
  heatmap: (range: HistoryRange, tz: string) =>
    parsed(AlertHeatmapSchema, request(`/api/alert-history/heatmap?${query(range, { tz })}`)),
  /** A link the browser downloads (the hub answers with an attachment). */
  exportUrl: (range: HistoryRange, f: TimelineFilter, format: 'csv' | 'json') =>
    `/api/alert-history/export?${query(range, { ...filterParams(f), format })}`,
};
