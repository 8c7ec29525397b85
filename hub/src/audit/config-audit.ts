/**
 * Configuration changes in the audit log: every create, update and delete through the API of
 * the things that decide what Unity watches and whom it tells — probes, alert rules, silences,
 * channels and routing, status pages, host labels, what is public — written after the route
 * answered, as `config.<resource>.<create|update|delete>` with the object's id. Changes that are
 * refused for lack of permission are written too (outcome `forbidden`); invalid requests
 * change nothing and are not. Routes that audit themselves with more detail (users, roles,
 * sessions, API keys, IP rules, container actions, scans) are not listed here.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { clientIp } from '../http/client-ip.js';
import type { HubDeps, HubEnv } from '../types.js';
import { recordAudit } from './audit-log.js';

/**
 * `/api/<first>[/<id>/<sub>…]` paths that are configuration. `sub` (when given) narrows to one
 * sub-resource of an object; the value is the resource name written to the log.
 */
const AUDITED: { first: string; sub?: string; resource: string }[] = [
  { first: 'probes', resource: 'probes' },
  { first: 'alert-rules', resource: 'alert-rules' },
  { first: 'silences', resource: 'silences' },
  { first: 'channels', resource: 'channels' },
  { first: 'contact-points', resource: 'contact-points' },
  { first: 'escalation-chains', resource: 'escalation-chains' },
  { first: 'inhibition-rules', resource: 'inhibition-rules' },
  { first: 'time-intervals', resource: 'time-intervals' },
  { first: 'notification-policy', resource: 'notification-policy' },
  { first: 'status-pages', resource: 'status-pages' },
  { first: 'enrollment-tokens', resource: 'enrollment-tokens' },
  { first: 'sso-providers', resource: 'sso-providers' },
  { first: 'sso-settings', resource: 'sso-settings' },
  { first: 'oidc-clients', resource: 'oidc-clients' },
  { first: 'oidc-keys', resource: 'oidc-keys' },
  { first: 'hosts', sub: 'labels', resource: 'host-labels' },
  { first: 'hosts', sub: 'public', resource: 'host-public' },
  { first: 'hosts', sub: 'speed-tests/schedule', resource: 'speed-test-schedules' },
  { first: 'containers', sub: 'public', resource: 'container-public' },
  { first: 'containers', sub: 'logs/ship', resource: 'log-shipping' },
];

/** Requests that change nothing although they are POSTs (previews, tests, dry runs). */
const NOT_CHANGES = /\/(preview|backtest|test)$/;

const VERB: Record<string, 'create' | 'update' | 'delete'> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

/** The audited resource and object id of a request path, or undefined; pure. */
export function auditedTarget(path: string): { resource: string; objectId: string } | undefined {
  if (NOT_CHANGES.test(path)) return undefined;
  const parts = path
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean);
  const [first, id = '', ...rest] = parts;
  for (const rule of AUDITED) {
    if (rule.first !== first) continue;
    if (rule.sub === undefined) return { resource: rule.resource, objectId: decodeURIComponent(id) };
    if (rest.join('/') === rule.sub) return { resource: rule.resource, objectId: decodeURIComponent(id) };
  }
  return undefined;
}

export function auditConfigChanges(deps: Pick<HubDeps, 'db' | 'log'>): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const verb = VERB[c.req.method];
    const target = verb ? auditedTarget(c.req.path) : undefined;
    await next();
    const user = c.get('user');
    if (!verb || !target || !user) return;
    const status = c.res.status;
    if (status >= 400 && status !== 403) return;
    let objectId = target.objectId;
    // A create names its object in the answer.
    if (!objectId && status < 300 && c.res.headers.get('content-type')?.includes('application/json')) {
      const body = (await c.res
        .clone()
        .json()
        .catch(() => undefined)) as { id?: unknown } | undefined;
      if (typeof body?.id === 'string' || typeof body?.id === 'number') objectId = String(body.id);
    }
    await recordAudit(deps.db, {
      user,
      ip: clientIp(c),
      action: `config.${target.resource}.${verb}`,
      objectType: target.resource,
      objectId,
      outcome: status === 403 ? 'forbidden' : 'ok',
      message: `${c.req.method} ${c.req.path}`,
    }).catch((error: unknown) => deps.log.warn({ err: error }, 'could not write the audit entry'));
  };
}
