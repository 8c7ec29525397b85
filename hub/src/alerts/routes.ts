/**
 * The alerting API, mounted at `/api` behind the session guard. Viewers read; editors and
 * admins write, preview and backtest.
 *
 *   GET  /api/alert-rule-templates          built-in rules to start from
 *   GET  /api/alert-rules, /api/alert-rules/:id
 *   POST /api/alert-rules                   201 with the stored rule
 *   PUT  /api/alert-rules/:id               the whole rule
 *   DELETE /api/alert-rules/:id             204; its instances resolve at the next evaluation
 *   POST /api/alert-rules/preview           the rule evaluated now, nothing stored
 *   POST /api/alert-rules/backtest          what the rule would have done over the last days
 *   GET  /api/alerts?ruleId&state           current instances
 *   GET  /api/alert-history?from&to&ruleId&fingerprint&limit&format=json|csv
 * @module
 */
import {
  AlertBacktestRequestSchema,
  type AlertHistoryEntry,
  AlertHistoryQuerySchema,
  AlertPreviewRequestSchema,
  type AlertRuleSpec,
  AlertRuleSpecSchema,
  AlertsQuerySchema,
} from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { badRequest, notFound } from '../errors.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { backtestRule } from './backtest.js';
import { previewRule } from './preview.js';
import { RULE_TEMPLATES } from './rule-templates.js';
import {
  createRule,
  deleteRule,
  existingRuleIds,
  getRule,
  listHistory,
  listInstanceViews,
  listRules,
  updateRule,
} from './store.js';

const RuleParams = z.object({ id: z.uuid('must be a UUID') });
const DAY_MS = 86_400_000;

/** The rule ids a composite refers to. */
const refsOf = (spec: AlertRuleSpec) =>
  spec.condition.kind === 'composite'
    ? spec.condition.conditions.flatMap((p) => (p.kind === 'rule' ? [p.ruleId] : []))
    : [];

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function historyCsv(items: readonly AlertHistoryEntry[]): string {
  const lines = ['at,time,rule_id,rule_name,fingerprint,from,to,value,labels'];
  for (const h of items)
    lines.push(
      [
        String(h.at),
        new Date(h.at).toISOString(),
        h.ruleId,
        csvField(h.ruleName),
        h.fingerprint,
        h.from,
        h.to,
        h.value === null ? '' : String(h.value),
        csvField(JSON.stringify(h.labels)),
      ].join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

export function alertRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const now = () => Date.now();

  /** Composite references must name stored rules, and not the rule itself. */
  const checkRefs = async (spec: AlertRuleSpec, selfId?: string) => {
    const refs = refsOf(spec);
    if (selfId && refs.includes(selfId))
      throw badRequest('invalid body: condition: a rule cannot refer to itself');
    const known = await existingRuleIds(deps.db, refs);
    const unknown = refs.find((id) => !known.has(id));
    if (unknown) throw badRequest(`invalid body: condition: no rule ${unknown}`);
  };

  app.get('/alert-rule-templates', (c) => {
    requireRole(c, 'viewer');
    return c.json({ items: RULE_TEMPLATES });
  });

  app.get('/alert-rules', async (c) => {
    requireRole(c, 'viewer');
    return c.json({ items: (await listRules(deps.db)).rules });
  });

  app.post('/alert-rules/preview', async (c) => {
    requireRole(c, 'editor');
    const { rule } = await jsonBody(c, AlertPreviewRequestSchema);
    return c.json(await previewRule(deps.db, deps.alertSource, rule, now()));
  });

  app.post('/alert-rules/backtest', async (c) => {
    requireRole(c, 'editor');
    const body = await jsonBody(c, AlertBacktestRequestSchema);
    return c.json(
      await backtestRule(deps.db, deps.alertSource, body.rule, {
        days: body.days,
        stepSec: body.stepSec,
        now: now(),
        publicUrl: deps.config.publicUrl,
      }),
    );
  });

  app.post('/alert-rules', async (c) => {
    const user = requireRole(c, 'editor');
    const spec = await jsonBody(c, AlertRuleSpecSchema);
    await checkRefs(spec);
    return c.json(await createRule(deps.db, spec, user.id), 201);
  });

  app.get('/alert-rules/:id', async (c) => {
    requireRole(c, 'viewer');
    const { id } = paramsOf(c, RuleParams);
    const rule = await getRule(deps.db, id);
    if (!rule) throw notFound('alert rule not found');
    return c.json(rule);
  });

  app.put('/alert-rules/:id', async (c) => {
    const user = requireRole(c, 'editor');
    const { id } = paramsOf(c, RuleParams);
    const spec = await jsonBody(c, AlertRuleSpecSchema);
    await checkRefs(spec, id);
    const rule = await updateRule(deps.db, id, spec, user.id);
    if (!rule) throw notFound('alert rule not found');
    return c.json(rule);
  });

  app.delete('/alert-rules/:id', async (c) => {
    requireRole(c, 'editor');
    const { id } = paramsOf(c, RuleParams);
    if (!(await deleteRule(deps.db, id))) throw notFound('alert rule not found');
    return c.body(null, 204);
  });

  app.get('/alerts', async (c) => {
    requireRole(c, 'viewer');
    const q = queryOf(c, AlertsQuerySchema);
    return c.json({ items: await listInstanceViews(deps.db, q) });
  });

  app.get('/alert-history', async (c) => {
    requireRole(c, 'viewer');
    const q = queryOf(c, AlertHistoryQuerySchema);
    const to = q.to ?? now();
    const from = q.from ?? to - 7 * DAY_MS;
    const items = await listHistory(deps.db, {
      from,
      to,
      ruleId: q.ruleId,
      fingerprint: q.fingerprint,
      limit: q.limit,
    });
    if (q.format === 'json') return c.json({ items });
    return c.body(historyCsv(items), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="alert-history-${from}-${to}.csv"`,
    });
  });

  return app;
}
