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
 *   /api/alert-history…                     history, analytics and export (history/routes.ts)
 * @module
 */
import {
  AlertBacktestRequestSchema,
  AlertPreviewRequestSchema,
  type AlertRuleSpec,
  AlertRuleSpecSchema,
  AlertsQuerySchema,
} from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf } from '../auth/host-scope.js';
import { requirePermission } from '../auth/require-permission.js';
import { badRequest, notFound } from '../errors.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { backtestRule } from './backtest.js';
import { historyRoutes } from './history/routes.js';
import { previewRule } from './preview.js';
import { RULE_TEMPLATES } from './rule-templates.js';
import { checkLogPattern } from './source/log-pattern.js';
import {
  createRule,
  deleteRule,
  existingRuleIds,
  getRule,
  listInstanceViews,
  listRules,
  updateRule,
} from './store.js';

const RuleParams = z.object({ id: z.uuid('must be a UUID') });

/** The rule ids a composite refers to. */
const refsOf = (spec: AlertRuleSpec) =>
  spec.condition.kind === 'composite'
    ? spec.condition.conditions.flatMap((p) => (p.kind === 'rule' ? [p.ruleId] : []))
    : [];

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

  /** Log patterns must compile in the engine that runs them (PostgreSQL's); the message names the field. */
  const checkPatterns = async (spec: AlertRuleSpec) => {
    const c = spec.condition;
    const parts =
      c.kind === 'composite'
        ? c.conditions.map((p, i) => [p, `condition.conditions.${i}`] as const)
        : [[c, 'condition'] as const];
    for (const [part, path] of parts) {
      if (part.kind !== 'log_pattern') continue;
      const problem = await checkLogPattern(deps.db, part.pattern);
      if (problem) throw badRequest(`invalid body: ${path}.pattern: ${problem}`);
    }
  };

  app.get('/alert-rule-templates', (c) => {
    requirePermission(c, 'alerts', 'read');
    return c.json({ items: RULE_TEMPLATES });
  });

  app.get('/alert-rules', async (c) => {
    requirePermission(c, 'alerts', 'read');
    return c.json({ items: (await listRules(deps.db)).rules });
  });

  app.post('/alert-rules/preview', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const { rule } = await jsonBody(c, AlertPreviewRequestSchema);
    await checkPatterns(rule);
    // A scoped editor previews and backtests on its own hosts' data only.
    const visible = await hostFilterOf(c, deps.db, 'alerts:write');
    return c.json(await previewRule(deps.db, deps.alertSource, rule, now(), visible));
  });

  app.post('/alert-rules/backtest', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const body = await jsonBody(c, AlertBacktestRequestSchema);
    await checkPatterns(body.rule);
    return c.json(
      await backtestRule(deps.db, deps.alertSource, body.rule, {
        days: body.days,
        stepSec: body.stepSec,
        now: now(),
        publicUrl: deps.config.publicUrl,
        visible: await hostFilterOf(c, deps.db, 'alerts:write'),
      }),
    );
  });

  app.post('/alert-rules', async (c) => {
    const user = requirePermission(c, 'alerts', 'write');
    const spec = await jsonBody(c, AlertRuleSpecSchema);
    await checkRefs(spec);
    await checkPatterns(spec);
    return c.json(await createRule(deps.db, spec, user.id), 201);
  });

  app.get('/alert-rules/:id', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const { id } = paramsOf(c, RuleParams);
    const rule = await getRule(deps.db, id);
    if (!rule) throw notFound('alert rule not found');
    return c.json(rule);
  });

  app.put('/alert-rules/:id', async (c) => {
    const user = requirePermission(c, 'alerts', 'write');
    const { id } = paramsOf(c, RuleParams);
    const spec = await jsonBody(c, AlertRuleSpecSchema);
    await checkRefs(spec, id);
    await checkPatterns(spec);
    const rule = await updateRule(deps.db, id, spec, user.id);
    if (!rule) throw notFound('alert rule not found');
    return c.json(rule);
  });

  app.delete('/alert-rules/:id', async (c) => {
    requirePermission(c, 'alerts', 'delete');
    const { id } = paramsOf(c, RuleParams);
    if (!(await deleteRule(deps.db, id))) throw notFound('alert rule not found');
    return c.body(null, 204);
  });

  app.get('/alerts', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const q = queryOf(c, AlertsQuerySchema);
    return c.json({
      items: await listInstanceViews(deps.db, q, await hostFilterOf(c, deps.db, 'alerts:read')),
    });
  });

  app.route('/', historyRoutes(deps));

  return app;
}
