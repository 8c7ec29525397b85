/**
 * `/badge/…`: public SVG badges for the probes, containers and hosts their owners marked
 * public. No sign-in: these URLs go into READMEs and status pages. A private, unknown or
 * malformed id gets one and the same grey "not public" badge, built only from the request,
 * so a badge URL never tells whether the object exists or what it is called.
 * @module
 */
import { BadgeQuerySchema, type BadgeStyle, UptimeBadgeQuerySchema } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { BadgeCache } from './badge-cache.js';
import { containerStatusBadge, hostStatusBadge } from './inventory-badges.js';
import {
  probeCertBadge,
  probeResponseBadge,
  probeStatusBadge,
  probeUptimeBadge,
  publicProbe,
} from './probe-badges.js';
import { sendBadge } from './respond.js';
import type { Badge } from './svg.js';

const Uuid = z.uuid();
const ContainerId = z.string().regex(/^[0-9a-f]{16}$/);

/** Ids that cannot exist answer like private ones, without asking the database. */
const validId = (schema: z.ZodType, id: string | undefined) => schema.safeParse(id).success;

export function badgeRoutes(
  deps: HubDeps,
  cache: BadgeCache = new BadgeCache(),
  now: () => number = Date.now,
) {
  const app = new Hono<HubEnv>();

  /** The badge with the caller's label, or "not public" when there is nothing to show. */
  const answer = (
    c: Context<HubEnv>,
    query: { label?: string | undefined; style: BadgeStyle },
    fallbackLabel: string,
    badge: Badge | undefined,
  ) =>
    badge
      ? sendBadge(c, { ...badge, label: query.label ?? badge.label }, query.style, true)
      : sendBadge(
          c,
          { label: query.label ?? fallbackLabel, message: 'not public', color: 'lightgrey' },
          query.style,
          false,
        );

  const probeOf = async (id: string | undefined) =>
    id !== undefined && validId(Uuid, id) ? publicProbe(deps.db, id) : undefined;

  /** Probe badge data through the cache; `what` names the badge (and its period). */
  const probeBadge = (
    id: string | undefined,
    what: string,
    compute: (probe: NonNullable<Awaited<ReturnType<typeof publicProbe>>>) => Promise<Badge | undefined>,
  ) =>
    cache.get(`probe/${id}/${what}`, async () => {
      const probe = await probeOf(id);
      return probe && compute(probe);
    });

  app.get('/probe/:id/status.svg', async (c) => {
    const query = queryOf(c, BadgeQuerySchema);
    const badge = await probeBadge(c.req.param('id'), 'status', (p) => probeStatusBadge(deps.db, p, now()));
    return answer(c, query, 'status', badge);
  });

  app.get('/probe/:id/uptime.svg', async (c) => {
    const query = queryOf(c, UptimeBadgeQuerySchema);
    const badge = await probeBadge(c.req.param('id'), `uptime/${query.period}`, (p) =>
      probeUptimeBadge(deps.db, p, query.period, now()),
    );
    return answer(c, query, `uptime ${query.period}`, badge);
  });

  app.get('/probe/:id/response.svg', async (c) => {
    const query = queryOf(c, BadgeQuerySchema);
    const badge = await probeBadge(c.req.param('id'), 'response', (p) =>
      probeResponseBadge(deps.db, p, now()),
    );
    return answer(c, query, 'response', badge);
  });

  app.get('/probe/:id/cert.svg', async (c) => {
    const query = queryOf(c, BadgeQuerySchema);
    const badge = await probeBadge(c.req.param('id'), 'cert', (p) => probeCertBadge(deps.db, p, now()));
    return answer(c, query, 'certificate', badge);
  });

  app.get('/container/:id/status.svg', async (c) => {
    const query = queryOf(c, BadgeQuerySchema);
    const id = c.req.param('id');
    const badge = validId(ContainerId, id)
      ? await cache.get(`container/${id}/status`, () => containerStatusBadge(deps.db, id))
      : undefined;
    return answer(c, query, 'status', badge);
  });

  app.get('/host/:id/status.svg', async (c) => {
    const query = queryOf(c, BadgeQuerySchema);
    const id = c.req.param('id');
    const badge = validId(Uuid, id)
      ? await cache.get(`host/${id}/status`, () =>
          hostStatusBadge(deps.db, id, (hostId) => deps.agents.isOnline(hostId)),
        )
      : undefined;
    return answer(c, query, 'status', badge);
  });

  return app;
}
