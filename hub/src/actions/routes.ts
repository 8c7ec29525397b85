/**
 * `POST /api/containers/:id/actions/:action` (start, stop, restart, pause, unpause, kill,
 * remove) for holders of `containers:act` (editors and admins). Every attempt, refused ones included, is in the audit log.
 * @module
 */
import { ContainerActionBodySchema, ContainerActionSchema } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { hostFilterOf, hostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { findContainer } from '../containers/container-views.js';
import { badRequest, notFound } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { runContainerAction } from './container-actions.js';

const ActionParams = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
  action: ContainerActionSchema,
});

/** The body is optional: none, empty or `{}` all mean "no options". */
async function optionalBody(c: Context) {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('request body must be JSON');
  }
  const parsed = ContainerActionBodySchema.safeParse(value);
  if (!parsed.success)
    throw badRequest(
      `invalid body: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export function actionRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  const auditDenied = async (c: Context<HubEnv>, user: NonNullable<HubEnv['Variables']['user']>) => {
    const { id = '', action = '' } = c.req.param() as Record<string, string>;
    const container = /^[0-9a-f]{16}$/.test(id) ? await findContainer(deps.db, id) : undefined;
    await recordAudit(deps.db, {
      user,
      ip: clientIp(c),
      action: `container.${action.slice(0, 32)}`,
      objectType: 'container',
      objectId: id.slice(0, 64),
      objectName: container?.name ?? null,
      outcome: 'forbidden',
      message: 'no containers:act permission',
    });
  };

  app.post('/:id/actions/:action', permit('containers', 'act', { onDenied: auditDenied }), async (c) => {
    const { id, action } = paramsOf(c, ActionParams);
    const body = await optionalBody(c);
    const user = c.get('user');
    if (!user) throw new Error('permit let an anonymous request through');
    const found = await findContainer(deps.db, id);
    // A binding scoped to some hosts lets its holder act only on containers there; any other
    // container is "not found", so acting cannot probe for what exists outside the scope.
    const container =
      found && hostVisible(await hostFilterOf(c, deps.db, 'containers:act'), found.hostId)
        ? found
        : undefined;
    if (!container) {
      await recordAudit(deps.db, {
        user,
        ip: clientIp(c),
        action: `container.${action}`,
        objectType: 'container',
        objectId: id,
        outcome: 'not_found',
        message: 'container not found',
      });
      throw notFound('container not found');
    }
    const result = await runContainerAction(deps, { user, ip: clientIp(c), container, action, body });
    if (!result.ok) throw result.error;
    return c.json({ ok: true, action, id: container.id, containerId: container.containerId });
  });

  return app;
}
