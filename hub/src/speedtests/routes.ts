/**
 * `/api/hosts/:id/speed-tests`: the host's tests, newest first, with its schedule (viewers);
 * `POST` runs one now (`probes:act`: editors and admins), `PUT …/schedule` sets or clears the
 * interval (`probes:write`). A host outside the caller's scopes is "not found".
 * @module
 */
import {
  describeIssues,
  RunSpeedTestRequestSchema,
  type SpeedTestList,
  SpeedTestListQuerySchema,
  SpeedTestScheduleSchema,
} from '@unity/shared';
import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { assertHostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { hosts } from '../db/schema.js';
import { badRequest, HubError, notFound } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { getSchedule, listTests, nextRunAt, schedules, setSchedule } from './store.js';

const HostParams = z.object({ id: z.uuid() });

export function speedTestRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  /** The host's name, once the caller may see it; 404 otherwise. */
  const visibleHost = async (c: Context<HubEnv>, id: string) => {
    await assertHostVisible(c, deps.db, 'hosts:read', id);
    const [host] = await deps.db.select({ name: hosts.name }).from(hosts).where(eq(hosts.id, id));
    if (!host) throw notFound('host not found');
    return host;
  };

  app.get('/api/hosts/:id/speed-tests', permit('probes', 'read'), async (c) => {
    const { id } = paramsOf(c, HostParams);
    const { limit } = queryOf(c, SpeedTestListQuerySchema);
    await assertHostVisible(c, deps.db, 'probes:read', id);
    await visibleHost(c, id);
    const [schedule] = await schedules(deps.db, id);
    const body: SpeedTestList = {
      items: await listTests(deps.db, id, limit),
      schedule: {
        intervalMinutes: schedule?.intervalMinutes ?? null,
        nextRunAt: schedule ? new Date(nextRunAt(schedule, Date.now())).toISOString() : null,
      },
    };
    return c.json(body);
  });

  app.post('/api/hosts/:id/speed-tests', permit('probes', 'act'), async (c) => {
    const { id } = paramsOf(c, HostParams);
    const host = await visibleHost(c, id);
    await assertHostVisible(c, deps.db, 'probes:act', id);
    const request = await optionalJsonBody(c, RunSpeedTestRequestSchema);
    const user = c.get('user');
    if (!user) throw new Error('permit let an anonymous request through');
    let outcome = 'ok';
    try {
      const test = await deps.speedTests.start(id, {
        trigger: 'manual',
        requestedBy: user.username,
        ...request,
      });
      return c.json(test, 202);
    } catch (error) {
      outcome = error instanceof HubError ? error.code : 'internal';
      throw error;
    } finally {
      await recordAudit(deps.db, {
        user,
        ip: clientIp(c),
        action: 'speedtest.run',
        objectType: 'host',
        objectId: id,
        objectName: host.name,
        outcome,
        message: null,
      });
    }
  });

  app.put('/api/hosts/:id/speed-tests/schedule', permit('probes', 'write'), async (c) => {
    const { id } = paramsOf(c, HostParams);
    await visibleHost(c, id);
    await assertHostVisible(c, deps.db, 'probes:write', id);
    const { intervalMinutes } = await jsonBody(c, SpeedTestScheduleSchema);
    await setSchedule(deps.db, id, intervalMinutes, new Date());
    return c.json({ intervalMinutes: await getSchedule(deps.db, id) });
  });

  return app;
}

/** The body, validated; an empty body is `{}` (so `curl -X POST` runs a default test). */
async function optionalJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (text.trim() === '') return schema.parse({});
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('request body must be JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(`invalid body: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
