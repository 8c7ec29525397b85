/**
 * The history API, mounted with the other alert routes under `/api`; any signed-in role reads.
 *
 *   GET /api/alert-history?from&to&ruleId&fingerprint&state&labels&cursor&limit&format=json|csv
 *   GET /api/alert-history/export?from&to&ruleId&state&labels&format=csv|json   an attachment
 *   GET /api/alert-history/stats?from&to&ruleId        MTTA and MTTR (mean, median, p90)
 *   GET /api/alert-history/noisiest?from&to&limit      rules with the most firings
 *   GET /api/alert-history/heatmap?from&to&ruleId&tz   firings by weekday × hour in tz
 * @module
 */
import {
  AlertAnalyticsQuerySchema,
  AlertHistoryExportQuerySchema,
  AlertHistoryQuerySchema,
} from '@unity/shared';
import { Hono } from 'hono';
import { hostFilterOf } from '../../auth/host-scope.js';
import { requirePermission } from '../../auth/require-permission.js';
import { queryOf } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { alertStats, firingHeatmap, noisiestRules } from './analytics.js';
import { exportRows, historyCsv } from './export.js';
import { queryTimeline } from './timeline.js';

const DAY_MS = 86_400_000;

/** The range a query names; the last 7 days by default. */
const rangeOf = (q: { from?: number | undefined; to?: number | undefined }, now: number) => {
  const to = q.to ?? now;
  return { from: q.from ?? to - 7 * DAY_MS, to };
};

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export function historyRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const now = () => Date.now();

  app.get('/alert-history', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const q = queryOf(c, AlertHistoryQuerySchema);
    const visible = await hostFilterOf(c, deps.db, 'alerts:read');
    const { from, to } = rangeOf(q, now());
    const page = await queryTimeline(deps.db, {
      from,
      to,
      ruleId: q.ruleId,
      fingerprint: q.fingerprint,
      states: q.state,
      labels: q.labels,
      cursor: q.cursor,
      limit: q.limit,
      visible,
    });
    if (q.format === 'json') return c.json(page);
    return c.body(historyCsv(page.items), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="alert-history-${stamp(from)}-${stamp(to)}.csv"`,
    });
  });

  app.get('/alert-history/export', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const q = queryOf(c, AlertHistoryExportQuerySchema);
    const visible = await hostFilterOf(c, deps.db, 'alerts:read');
    const { from, to } = rangeOf(q, now());
    const items = await exportRows(deps.db, {
      from,
      to,
      ruleId: q.ruleId,
      states: q.state,
      labels: q.labels,
      visible,
    });
    const name = `alert-history-${stamp(from)}-${stamp(to)}.${q.format}`;
    const headers = { 'content-disposition': `attachment; filename="${name}"` };
    if (q.format === 'json')
      return c.body(JSON.stringify({ from, to, items }), 200, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
      });
    return c.body(historyCsv(items), 200, { ...headers, 'content-type': 'text/csv; charset=utf-8' });
  });

  app.get('/alert-history/stats', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const q = queryOf(c, AlertAnalyticsQuerySchema);
    return c.json(
      await alertStats(deps.db, {
        ...rangeOf(q, now()),
        ruleId: q.ruleId,
        visible: await hostFilterOf(c, deps.db, 'alerts:read'),
      }),
    );
  });

  app.get('/alert-history/noisiest', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const q = queryOf(c, AlertAnalyticsQuerySchema);
    return c.json(
      await noisiestRules(deps.db, {
        ...rangeOf(q, now()),
        ruleId: q.ruleId,
        visible: await hostFilterOf(c, deps.db, 'alerts:read'),
        limit: q.limit,
      }),
    );
  });

  app.get('/alert-history/heatmap', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const q = queryOf(c, AlertAnalyticsQuerySchema);
    return c.json(
      await firingHeatmap(deps.db, {
        ...rangeOf(q, now()),
        ruleId: q.ruleId,
        visible: await hostFilterOf(c, deps.db, 'alerts:read'),
        tz: q.tz,
      }),
    );
  });

  return app;
}
