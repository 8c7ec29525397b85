/**
 * The public ping endpoints of push probes (no sign-in: the token in the path is the secret).
 * GET, POST and HEAD all count, as with Healthchecks.io, so `curl`, `wget` and a bare HTTP
 * client all work: `/push/:token` (success), `/start`, `/fail` and `/:exitCode` (0–255).
 * Answers are short plain text; the token and the body are never logged.
 * @module
 */

import type { Context } from 'hono';
import { Hono } from 'hono';
import type { HubDeps, HubEnv } from '../../types.js';
import { getProbe } from '../probe-store.js';
import { hashToken, probeIdOfToken } from './push-token.js';
import { PingRateLimit } from './rate-limit.js';
import { type Ping, recordPing } from './record-ping.js';

/** Bodies beyond this are cut: a ping's message is a log tail, not an upload. */
export const MAX_PING_BODY = 10 * 1024;

/** Reads at most `MAX_PING_BODY` bytes of the body and stops the rest of the upload. */
async function readMessage(c: Context): Promise<string> {
  const body = c.req.raw.body;
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_PING_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks).subarray(0, MAX_PING_BODY);
  // A cut in the middle of a UTF-8 sequence decodes to U+FFFD, which is fine for a message.
  return new TextDecoder().decode(all);
}

export function pingRoutes(deps: HubDeps, now: () => number = Date.now) {
  const app = new Hono<HubEnv>();
  const limit = new PingRateLimit();

  const handle = async (c: Context<HubEnv>, ping: Ping): Promise<Response> => {
    try {
      return await accept(c, ping);
    } catch (error) {
      // Handled here rather than by app.onError, which logs the path: the path holds the token.
      deps.log.error({ module: 'push', err: error }, 'could not record a ping');
      return c.text('could not record the ping\n', 500);
    }
  };

  const accept = async (c: Context<HubEnv>, ping: Ping): Promise<Response> => {
    const token = c.req.param('token') ?? '';
    const at = now();
    if (!limit.allow(hashToken(token), at)) return c.text('too many pings for this check\n', 429);
    const probeId =
      token.length >= 16 && token.length <= 128 ? await probeIdOfToken(deps.db, token) : undefined;
    const probe = probeId ? await getProbe(deps.db, probeId) : undefined;
    if (probe?.kind !== 'push') return c.text('no push check with this token\n', 404);
    const message = c.req.method === 'POST' ? await readMessage(c) : '';
    await recordPing(deps.db, probe.id, ping, message, at);
    return c.text('OK\n');
  };

  // HEAD is answered by the GET handlers (Hono does that for every GET route).
  const methods = ['GET', 'POST'];
  app.on(methods, '/push/:token', (c) => handle(c, { kind: 'success' }));
  app.on(methods, '/push/:token/start', (c) => handle(c, { kind: 'start' }));
  app.on(methods, '/push/:token/fail', (c) => handle(c, { kind: 'fail' }));
  app.on(methods, '/push/:token/:code{[0-9]{1,3}}', async (c): Promise<Response> => {
    const code = Number(c.req.param('code'));
    if (code > 255) return c.text('exit codes are 0 to 255\n', 400);
    return handle(c, { kind: 'exit', code });
  });
  // Anything else under /push is not the UI's business (it would answer with index.html).
  app.all('/push/*', (c) => c.text('not found\n', 404));
  return app;
}
