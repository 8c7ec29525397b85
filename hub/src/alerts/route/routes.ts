/**
 * The routing API, mounted at `/api`: the notification policy tree, silences, time intervals,
 * inhibition rules, escalation chains, acknowledgements and the dispatcher's current groups.
 * Viewers read; editors and admins write. Every write reloads the router's part it changed.
 * @module
 */
import {
  AckRequestSchema,
  BUILTIN_INHIBITION_RULES,
  EscalationChainInputSchema,
  InhibitionRuleInputSchema,
  type NotificationPolicy,
  NotificationPolicySchema,
  SilenceCreateSchema,
  SilencesQuerySchema,
  TimeIntervalNameSchema,
  TimeIntervalSchema,
  TimeIntervalSpecSchema,
  walkRoutes,
} from '@unity/shared';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf } from '../../auth/host-scope.js';
import { requirePermission } from '../../auth/require-permission.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { jsonBody, paramsOf, queryOf } from '../../http/validate.js';
import type { HubDeps, HubEnv } from '../../types.js';
import { visibleFingerprints } from '../store.js';
import { assignRouteIds } from './policy.js';
import {
  createEscalationChain,
  createInhibitionRule,
  createSilence,
  createTimeInterval,
  deleteEscalationChain,
  deleteInhibitionRule,
  deleteTimeInterval,
  expireSilence,
  getEscalationChain,
  getPolicy,
  getSilence,
  getTimeInterval,
  listEscalationChains,
  listInhibitionRules,
  listSilences,
  listTimeIntervals,
  putPolicy,
  updateEscalationChain,
  updateInhibitionRule,
  updateTimeInterval,
} from './store.js';

const IdParams = z.object({ id: z.uuid() });

/** Refuses edits of the built-in inhibition rules with a clear message. */
function notBuiltin(c: Context): void {
  const id = c.req.param('id');
  if (BUILTIN_INHIBITION_RULES.some((r) => r.id === id)) {
    throw badRequest('built-in inhibition rules cannot be changed or deleted');
  }
}
const NameParams = z.object({ name: TimeIntervalNameSchema });
const FingerprintParams = z.object({
  fingerprint: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits, _ . : -'),
});
const TimeIntervalUpdateSchema = z.object({
  name: TimeIntervalNameSchema.optional(),
  timeIntervals: z.array(TimeIntervalSpecSchema).min(1).max(32),
});

/** The body as JSON, or `{}` when there is none (for bodies whose fields are all optional). */
async function optionalJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (text.trim() === '') {
    const parsed = schema.safeParse({});
    if (parsed.success) return parsed.data;
  }
  return jsonBody(c, schema);
}

/** Names of the time intervals and escalation chains a tree refers to. */
function references(policy: NotificationPolicy) {
  const intervals = new Set<string>();
  const chains = new Set<string>();
  for (const { route } of walkRoutes(policy)) {
    for (const n of [...(route.muteTimeIntervals ?? []), ...(route.activeTimeIntervals ?? [])])
      intervals.add(n);
    if (route.escalationChainId) chains.add(route.escalationChainId);
  }
  return { intervals, chains };
}

export function alertRoutingRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const router = deps.alertRouter;
  const now = () => new Date();

  // ---- notification policy ----

  app.get('/notification-policy', async (c) => {
    requirePermission(c, 'alerts', 'read');
    return c.json(await getPolicy(deps.db));
  });

  app.put('/notification-policy', async (c) => {
    const user = requirePermission(c, 'alerts', 'write');
    const policy = assignRouteIds(await jsonBody(c, NotificationPolicySchema));
    const refs = references(policy);
    const known = new Set((await listTimeIntervals(deps.db)).map((t) => t.name));
    const missing = [...refs.intervals].filter((n) => !known.has(n));
    if (missing.length > 0) throw badRequest(`invalid body: unknown time interval ${missing.join(', ')}`);
    const chains = new Set((await listEscalationChains(deps.db)).map((ch) => ch.id));
    const missingChains = [...refs.chains].filter((id) => !chains.has(id));
    if (missingChains.length > 0) {
      throw badRequest(`invalid body: unknown escalation chain ${missingChains.join(', ')}`);
    }
    const stored = await putPolicy(deps.db, policy, user.username);
    await router.reload(['policy']);
    return c.json(stored);
  });

  // ---- silences ----

  app.get('/silences', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const { state } = queryOf(c, SilencesQuerySchema);
    return c.json({ items: await listSilences(deps.db, now(), state) });
  });

  app.get('/silences/:id', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const { id } = paramsOf(c, IdParams);
    const silence = await getSilence(deps.db, id, now());
    if (!silence) throw notFound('silence not found');
    return c.json(silence);
  });

  app.post('/silences', async (c) => {
    const user = requirePermission(c, 'alerts', 'write');
    const input = await jsonBody(c, SilenceCreateSchema);
    const at = now();
    if (Date.parse(input.endsAt) <= at.getTime())
      throw badRequest('invalid body: endsAt must be in the future');
    const silence = await createSilence(deps.db, input, user.username, at);
    await router.reload(['silences']);
    return c.json(silence, 201);
  });

  /** Expires the silence (it stays listed, as expired). */
  app.delete('/silences/:id', async (c) => {
    requirePermission(c, 'alerts', 'delete');
    const { id } = paramsOf(c, IdParams);
    const silence = await expireSilence(deps.db, id, now());
    if (!silence) throw notFound('silence not found');
    await router.reload(['silences']);
    return c.json(silence);
  });

  // ---- time intervals ----

  app.get('/time-intervals', async (c) => {
    requirePermission(c, 'alerts', 'read');
    return c.json({ items: await listTimeIntervals(deps.db) });
  });

  app.get('/time-intervals/:name', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const { name } = paramsOf(c, NameParams);
    const ti = await getTimeInterval(deps.db, name);
    if (!ti) throw notFound('time interval not found');
    return c.json(ti);
  });

  app.post('/time-intervals', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const ti = await jsonBody(c, TimeIntervalSchema);
    if (!(await createTimeInterval(deps.db, ti))) throw conflict(`a time interval named ${ti.name} exists`);
    await router.reload(['timeIntervals']);
    return c.json(ti, 201);
  });

  app.put('/time-intervals/:name', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const { name } = paramsOf(c, NameParams);
    const body = await jsonBody(c, TimeIntervalUpdateSchema);
    if (body.name !== undefined && body.name !== name) {
      throw badRequest(
        'invalid body: name: a time interval cannot be renamed (create one, then delete this)',
      );
    }
    if (!(await updateTimeInterval(deps.db, name, body.timeIntervals)))
      throw notFound('time interval not found');
    await router.reload(['timeIntervals']);
    return c.json({ name, timeIntervals: body.timeIntervals });
  });

  app.delete('/time-intervals/:name', async (c) => {
    requirePermission(c, 'alerts', 'delete');
    const { name } = paramsOf(c, NameParams);
    if (references((await getPolicy(deps.db)).policy).intervals.has(name)) {
      throw conflict(`the notification policy uses the time interval ${name}`);
    }
    if (!(await deleteTimeInterval(deps.db, name))) throw notFound('time interval not found');
    await router.reload(['timeIntervals']);
    return c.body(null, 204);
  });

  // ---- inhibition rules ----

  app.get('/inhibition-rules', async (c) => {
    requirePermission(c, 'alerts', 'read');
    return c.json({ items: [...BUILTIN_INHIBITION_RULES, ...(await listInhibitionRules(deps.db))] });
  });

  app.post('/inhibition-rules', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const rule = await createInhibitionRule(deps.db, await jsonBody(c, InhibitionRuleInputSchema));
    await router.reload(['inhibitionRules']);
    return c.json(rule, 201);
  });

  app.put('/inhibition-rules/:id', async (c) => {
    requirePermission(c, 'alerts', 'write');
    notBuiltin(c);
    const { id } = paramsOf(c, IdParams);
    const rule = await updateInhibitionRule(deps.db, id, await jsonBody(c, InhibitionRuleInputSchema));
    if (!rule) throw notFound('inhibition rule not found');
    await router.reload(['inhibitionRules']);
    return c.json(rule);
  });

  app.delete('/inhibition-rules/:id', async (c) => {
    requirePermission(c, 'alerts', 'delete');
    notBuiltin(c);
    const { id } = paramsOf(c, IdParams);
    if (!(await deleteInhibitionRule(deps.db, id))) throw notFound('inhibition rule not found');
    await router.reload(['inhibitionRules']);
    return c.body(null, 204);
  });

  // ---- escalation chains ----

  app.get('/escalation-chains', async (c) => {
    requirePermission(c, 'alerts', 'read');
    return c.json({ items: await listEscalationChains(deps.db) });
  });

  app.get('/escalation-chains/:id', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const { id } = paramsOf(c, IdParams);
    const chain = await getEscalationChain(deps.db, id);
    if (!chain) throw notFound('escalation chain not found');
    return c.json(chain);
  });

  app.post('/escalation-chains', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const input = await jsonBody(c, EscalationChainInputSchema);
    const chain = await createEscalationChain(deps.db, input);
    if (!chain) throw conflict(`an escalation chain named ${input.name} exists`);
    await router.reload(['escalationChains']);
    return c.json(chain, 201);
  });

  app.put('/escalation-chains/:id', async (c) => {
    requirePermission(c, 'alerts', 'write');
    const { id } = paramsOf(c, IdParams);
    const input = await jsonBody(c, EscalationChainInputSchema);
    const chain = await updateEscalationChain(deps.db, id, input);
    if (chain === 'missing') throw notFound('escalation chain not found');
    if (chain === 'taken') throw conflict(`an escalation chain named ${input.name} exists`);
    await router.reload(['escalationChains']);
    return c.json(chain);
  });

  app.delete('/escalation-chains/:id', async (c) => {
    requirePermission(c, 'alerts', 'delete');
    const { id } = paramsOf(c, IdParams);
    if (references((await getPolicy(deps.db)).policy).chains.has(id)) {
      throw conflict('the notification policy uses this escalation chain');
    }
    if (!(await deleteEscalationChain(deps.db, id))) throw notFound('escalation chain not found');
    await router.reload(['escalationChains']);
    return c.body(null, 204);
  });

  // ---- acknowledgement and groups ----

  app.post('/alerts/:fingerprint/ack', async (c) => {
    const user = requirePermission(c, 'alerts', 'act');
    const { fingerprint } = paramsOf(c, FingerprintParams);
    const request = await optionalJsonBody(c, AckRequestSchema);
    // An alert about a host outside the caller's scope is "not found", like one that is not firing.
    const visible = await hostFilterOf(c, deps.db, 'alerts:act');
    if (visible !== 'all' && !(await visibleFingerprints(deps.db, [fingerprint], visible)).has(fingerprint))
      throw notFound('no firing alert has this fingerprint');
    const ack = await router.acknowledge(fingerprint, user.username, request);
    if (!ack) throw notFound('no firing alert has this fingerprint');
    return c.json(ack);
  });

  app.get('/alert-groups', async (c) => {
    requirePermission(c, 'alerts', 'read');
    const groups = router.groups();
    const visible = await hostFilterOf(c, deps.db, 'alerts:read');
    if (visible === 'all') return c.json({ items: groups });
    // A scoped caller sees the alerts of its hosts only, and no group left empty by that.
    const keep = await visibleFingerprints(
      deps.db,
      groups.flatMap((g) => g.alerts.map((a) => a.fingerprint)),
      visible,
    );
    const items = groups
      .map((g) => ({ ...g, alerts: g.alerts.filter((a) => keep.has(a.fingerprint)) }))
      .filter((g) => g.alerts.length > 0);
    return c.json({ items });
  });

  return app;
}
