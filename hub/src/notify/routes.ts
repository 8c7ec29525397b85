/**
 * The notification API (issue 6), mounted at `/api`: channels, contact points, "send test" and
 * the delivery log, template previews. Any signed-in user may read (secrets masked) and preview;
 * only admins change anything or send a test.
 * @module
 */
import {
  CHANNEL_TYPES,
  ChannelCreateSchema,
  ChannelPreviewRequestSchema,
  ChannelUpdateSchema,
  ContactPointInputSchema,
  DeliveriesQuerySchema,
  SECRET_FIELDS,
} from '@unity/shared';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { requirePermission } from '../auth/require-permission.js';
import { badRequest, notFound } from '../errors.js';
import { jsonBody, paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  loadChannel,
  updateChannel,
} from './channel-store.js';
import { APPRISE_INSTALL_HINT, appriseAvailable } from './channels/apprise.js';
import {
  createContactPoint,
  deleteContactPoint,
  getContactPoint,
  listContactPoints,
  updateContactPoint,
} from './contact-points.js';
import { listDeliveries } from './outbox.js';
import { previewChannel } from './templates/preview.js';

const IdParams = z.object({ id: z.uuid('must be a UUID') });

/** A JSON body that may be left out (then the schema's defaults). */
async function optionalJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  if ((await c.req.text()).trim() === '') {
    const parsed = schema.safeParse({});
    if (parsed.success) return parsed.data;
  }
  return jsonBody(c, schema);
}

export function notifyRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const log = deps.log.child({ module: 'notify' });
  const { db, notify } = deps;
  let apprise: Promise<boolean> | undefined;

  // ---- channels ----

  app.get('/channels', async (c) => {
    requirePermission(c, 'channels', 'read');
    return c.json({ items: await listChannels(db) });
  });

  app.get('/channels/types', async (c) => {
    requirePermission(c, 'channels', 'read');
    apprise ??= appriseAvailable(deps.config.notify.appriseCommand);
    const appriseOk = await apprise;
    return c.json({
      items: CHANNEL_TYPES.map((type) => ({
        type,
        available: type !== 'apprise' || appriseOk,
        ...(type === 'apprise' && !appriseOk ? { hint: APPRISE_INSTALL_HINT } : {}),
        secretFields: Object.keys(SECRET_FIELDS[type]),
      })),
    });
  });

  app.post('/channels', async (c) => {
    const user = requirePermission(c, 'channels', 'write');
    const input = await jsonBody(c, ChannelCreateSchema);
    const channel = await createChannel(db, notify.box, input);
    log.info({ channelId: channel.id, type: channel.type, by: user.username }, 'channel created');
    return c.json(channel, 201);
  });

  // Previews change nothing, so viewers may look at how a channel's messages read.
  app.post('/channels/preview', async (c) => {
    requirePermission(c, 'channels', 'read');
    const input = await jsonBody(c, ChannelPreviewRequestSchema);
    if (!input.type) throw badRequest('invalid body: type: is required');
    return c.json(
      previewChannel({
        type: input.type,
        templates: input.templates ?? {},
        bodyTemplate: input.bodyTemplate,
        status: input.status,
        channelName: 'preview',
        publicUrl: deps.config.publicUrl,
      }),
    );
  });

  app.post('/channels/:id/preview', async (c) => {
    requirePermission(c, 'channels', 'read');
    const { id } = paramsOf(c, IdParams);
    const input = await optionalJsonBody(c, ChannelPreviewRequestSchema);
    const channel = await loadChannel(db, notify.box, id);
    if (!channel) throw notFound('channel not found');
    if (input.type && input.type !== channel.settings.type) {
      throw badRequest(`invalid body: type: the channel is of type ${channel.settings.type}`);
    }
    const stored = channel.settings.type === 'webhook' ? channel.settings.bodyTemplate : undefined;
    return c.json(
      previewChannel({
        type: channel.settings.type,
        templates: input.templates ?? channel.templates,
        bodyTemplate: input.bodyTemplate ?? stored,
        status: input.status,
        channelName: channel.name,
        publicUrl: deps.config.publicUrl,
      }),
    );
  });

  app.get('/channels/:id', async (c) => {
    requirePermission(c, 'channels', 'read');
    const { id } = paramsOf(c, IdParams);
    const channel = await getChannel(db, id);
    if (!channel) throw notFound('channel not found');
    return c.json(channel);
  });

  app.put('/channels/:id', async (c) => {
    const user = requirePermission(c, 'channels', 'write');
    const { id } = paramsOf(c, IdParams);
    const input = await jsonBody(c, ChannelUpdateSchema);
    const channel = await updateChannel(db, notify.box, id, input);
    log.info({ channelId: id, type: channel.type, by: user.username }, 'channel updated');
    return c.json(channel);
  });

  app.delete('/channels/:id', async (c) => {
    const user = requirePermission(c, 'channels', 'delete');
    const { id } = paramsOf(c, IdParams);
    await deleteChannel(db, id);
    log.info({ channelId: id, by: user.username }, 'channel deleted');
    return c.body(null, 204);
  });

  app.post('/channels/:id/test', async (c) => {
    const user = requirePermission(c, 'channels', 'act');
    const { id } = paramsOf(c, IdParams);
    const channel = await getChannel(db, id);
    if (!channel) throw notFound('channel not found');
    const delivery = await notify.sendTest(channel, user.username);
    log.info({ channelId: id, status: delivery.status, by: user.username }, 'test notification sent');
    return c.json({ ok: delivery.status === 'delivered', delivery });
  });

  // ---- contact points ----

  app.get('/contact-points', async (c) => {
    requirePermission(c, 'channels', 'read');
    return c.json({ items: await listContactPoints(db) });
  });

  app.get('/contact-points/:id', async (c) => {
    requirePermission(c, 'channels', 'read');
    const { id } = paramsOf(c, IdParams);
    const cp = await getContactPoint(db, id);
    if (!cp) throw notFound('contact point not found');
    return c.json(cp);
  });

  app.post('/contact-points', async (c) => {
    const user = requirePermission(c, 'channels', 'write');
    const input = await jsonBody(c, ContactPointInputSchema);
    const cp = await createContactPoint(db, input);
    log.info({ contactPointId: cp.id, by: user.username }, 'contact point created');
    return c.json(cp, 201);
  });

  app.put('/contact-points/:id', async (c) => {
    const user = requirePermission(c, 'channels', 'write');
    const { id } = paramsOf(c, IdParams);
    const input = await jsonBody(c, ContactPointInputSchema);
    const cp = await updateContactPoint(db, id, input);
    log.info({ contactPointId: id, by: user.username }, 'contact point updated');
    return c.json(cp);
  });

  app.delete('/contact-points/:id', async (c) => {
    const user = requirePermission(c, 'channels', 'delete');
    const { id } = paramsOf(c, IdParams);
    await deleteContactPoint(db, id);
    log.info({ contactPointId: id, by: user.username }, 'contact point deleted');
    return c.body(null, 204);
  });

  // ---- the delivery log ----

  app.get('/notifications', async (c) => {
    requirePermission(c, 'channels', 'read');
    const query = queryOf(c, DeliveriesQuerySchema);
    return c.json({ items: await listDeliveries(db, query) });
  });

  return app;
}
