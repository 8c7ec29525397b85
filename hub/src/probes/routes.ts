/**
 * The probes API: definitions (`/api/probes`, CRUD), each probe's results and uptime. Reading
 * needs any signed-in user; creating, changing and deleting needs an editor. Every change is
 * pushed to the agents at once (`probes.set`). Push probes get their secret ping URL in the
 * answer to their creation (and to a token rotation) only: the hub keeps just its hash.
 *
 * Host scopes: probes are hub-level objects (they check targets, not hosts), so a caller whose
 * `probes:read` is limited to some hosts still lists every probe with its overall status and
 * uptime; the per-location status and the individual runs (`/results`) of agents on hosts
 * outside its scope are left out.
 * @module
 */
import {
  describeIssues,
  type Probe,
  ProbePatchSchema,
  ProbeResultsQuerySchema,
  type ProbeSpec,
  ProbeSpecSchema,
} from '@unity/shared';
import { inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { hostFilterOf } from '../auth/host-scope.js';
import { requirePermission } from '../auth/require-permission.js';
import { agents } from '../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { activeAgentCount, recentRuns, statusOf } from './probe-status.js';
import { createProbe, deleteProbe, getProbe, isProbePublic, listProbes, updateProbe } from './probe-store.js';
import { pushProbesToAll, startProbeSync } from './probe-sync.js';
import { startLateCheck } from './push/late-check.js';
import { hasToken, issueToken, pingUrl } from './push/push-token.js';
import { listResults, uptimeOf } from './result-store.js';
import { startProbeRetention } from './retention.js';

const Params = z.object({ id: z.uuid({ error: 'id must be a probe id (uuid)' }) });

type Status = ReturnType<typeof statusOf>;
/** The status with only the locations (agents) the caller may see; the overall state stays. */
const scopedStatus = (status: Status, visible: 'all' | ReadonlySet<string>): Status =>
  visible === 'all'
    ? status
    : { ...status, locations: status.locations.filter((l) => visible.has(l.agentId)) };

const toMs = (v: string | number | undefined, fallback: number) =>
  v === undefined ? fallback : typeof v === 'number' ? v : Date.parse(v);

export function probeRoutes(deps: HubDeps, now: () => number = Date.now) {
  const app = new Hono<HubEnv>();
  deps.onClose(startProbeSync(deps));
  deps.onClose(startProbeRetention(deps));
  const stopLateCheck = startLateCheck(deps, {
    now,
    // A probe that just became late is evaluated now rather than at the engine's next tick.
    onRecorded: () =>
      void deps.alerts
        .evaluate()
        .catch((e: unknown) => deps.log.warn({ err: e }, 'evaluation after a late push failed')),
  });
  deps.onClose(stopLateCheck);

  const mustExist = async (id: string): Promise<Probe> => {
    const probe = await getProbe(deps.db, id);
    if (!probe) throw notFound('probe not found');
    return probe;
  };
  /** Assignments name agents this hub knows. */
  const checkAgents = async (spec: ProbeSpec) => {
    if (spec.agentIds.length === 0) return;
    const known = await deps.db
      .select({ id: agents.id })
      .from(agents)
      .where(inArray(agents.id, spec.agentIds));
    const missing = spec.agentIds.filter((id) => !known.some((k) => k.id === id));
    if (missing.length > 0) throw badRequest(`invalid body: agentIds: unknown agent ${missing.join(', ')}`);
  };
  /** A push probe without a token (new, or just turned into one) gets one: its URL, else undefined. */
  const ensureToken = async (probe: Probe): Promise<{ pushUrl: string } | undefined> => {
    if (probe.kind !== 'push' || (await hasToken(deps.db, probe.id))) return undefined;
    return { pushUrl: pingUrl(deps.config.publicUrl, await issueToken(deps.db, probe.id)) };
  };
  const changed = () =>
    void pushProbesToAll(deps).catch((e: unknown) => deps.log.warn({ err: e }, 'probe push failed'));

  app.get('/probes', async (c) => {
    requirePermission(c, 'probes', 'read');
    const probes = await listProbes(deps.db);
    const at = now();
    const runs = await recentRuns(deps.db, probes, at, await activeAgentCount(deps.db));
    const visible = await hostFilterOf(c, deps.db, 'probes:read');
    return c.json({
      items: probes.map((p) => ({ ...p, status: scopedStatus(statusOf(p, runs, at), visible) })),
    });
  });

  app.post('/probes', async (c) => {
    requirePermission(c, 'probes', 'write');
    const spec = await jsonBody(c, ProbeSpecSchema);
    await checkAgents(spec);
    const probe = await createProbe(deps.db, spec);
    const url = await ensureToken(probe);
    changed();
    return c.json({ ...probe, ...url }, 201);
  });

  app.get('/probes/:id', async (c) => {
    requirePermission(c, 'probes', 'read');
    const { id } = paramsOf(c, Params);
    const probe = await mustExist(id);
    const at = now();
    const runs = await recentRuns(deps.db, [probe], at, await activeAgentCount(deps.db));
    // `public` beside the spec, not in it: it is set on its own route and never sent to agents.
    const status = scopedStatus(statusOf(probe, runs, at), await hostFilterOf(c, deps.db, 'probes:read'));
    return c.json({ ...probe, status, public: await isProbePublic(deps.db, id) });
  });

  app.patch('/probes/:id', async (c) => {
    requirePermission(c, 'probes', 'write');
    const { id } = paramsOf(c, Params);
    const patch = await jsonBody(c, ProbePatchSchema);
    const { id: _i, createdAt: _c, updatedAt: _u, ...current } = await mustExist(id);
    // JSON Merge Patch (RFC 7396): a field set to null is removed (its default applies again).
    const merged: Record<string, unknown> = { ...current, ...patch };
    for (const [key, value] of Object.entries(patch)) if (value === null) delete merged[key];
    const parsed = ProbeSpecSchema.safeParse(merged);
    if (!parsed.success) throw badRequest(`invalid body: ${describeIssues(parsed.error)}`);
    await checkAgents(parsed.data);
    const probe = await updateProbe(deps.db, id, parsed.data);
    if (!probe) throw notFound('probe not found');
    const url = await ensureToken(probe);
    changed();
    return c.json({ ...probe, ...url });
  });

  /** A new ping URL for a push probe; the old one stops working at once (a leaked URL). */
  app.post('/probes/:id/push-token', async (c) => {
    requirePermission(c, 'probes', 'write');
    const { id } = paramsOf(c, Params);
    const probe = await mustExist(id);
    if (probe.kind !== 'push') throw badRequest('only push probes have a ping URL');
    return c.json({ pushUrl: pingUrl(deps.config.publicUrl, await issueToken(deps.db, id)) });
  });

  app.delete('/probes/:id', async (c) => {
    requirePermission(c, 'probes', 'delete');
    const { id } = paramsOf(c, Params);
    if (!(await deleteProbe(deps.db, id))) throw notFound('probe not found');
    changed();
    return c.body(null, 204);
  });

  app.get('/probes/:id/results', async (c) => {
    requirePermission(c, 'probes', 'read');
    const { id } = paramsOf(c, Params);
    const query = queryOf(c, ProbeResultsQuerySchema);
    const probe = await mustExist(id);
    const to = toMs(query.to, now());
    const from = toMs(query.from, to - 86_400_000);
    if (Number.isNaN(from) || Number.isNaN(to) || from > to)
      throw badRequest('invalid query: from must be before to');
    const items = await listResults(deps.db, id, probe.maintenance, {
      from,
      to,
      limit: query.limit,
      agent: query.agent,
      // Probes are hub-level; the runs of agents on hosts outside the caller's scope are not shown.
      agents: await hostFilterOf(c, deps.db, 'probes:read'),
    });
    return c.json({ items });
  });

  app.get('/probes/:id/uptime', async (c) => {
    requirePermission(c, 'probes', 'read');
    const { id } = paramsOf(c, Params);
    const probe = await mustExist(id);
    return c.json(await uptimeOf(deps.db, id, probe.maintenance, now()));
  });

  return app;
}
