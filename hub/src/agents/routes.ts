/**
 * Agent-facing and admin routes of the agent link: enrollment (public, the token is the
 * credential), the connect endpoint's plain-HTTP answer, and enrollment-token creation (admin).
 * @module
 */
import { CONNECT_PATH, CreateEnrollmentTokenSchema, ENROLL_PATH, EnrollRequestSchema } from '@unity/shared';
import { Hono } from 'hono';
import { regulated } from '../auth/regulated.js';
import { requirePermission } from '../auth/require-permission.js';
import { errorResponse } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { enroll } from './enroll.js';
import { createEnrollmentToken } from './enrollment-tokens.js';

export function agentRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const log = deps.log.child({ module: 'enroll' });

  app.post(ENROLL_PATH, async (c) => {
    const req = await jsonBody(c, EnrollRequestSchema);
    // Under regulation: guessing enrollment tokens from one address ends in a ban.
    const res = await regulated(deps, c, { scope: 'enroll' }, () => enroll(deps.db, deps.identity, req));
    log.info({ agentId: res.agentId, hostname: req.host.hostname }, 'agent enrolled');
    return c.json(res, 201);
  });

  // Reached only without an Upgrade header; real connections are taken in http/upgrade.ts.
  app.get(CONNECT_PATH, (c) => errorResponse(c, 'bad_request', 'this endpoint speaks WebSocket only'));

  app.post('/api/enrollment-tokens', async (c) => {
    const user = requirePermission(c, 'hosts', 'write');
    const req = await jsonBody(c, CreateEnrollmentTokenSchema);
    const token = await createEnrollmentToken(deps.db, { ...req, createdBy: user.id }, deps.config.publicUrl);
    log.info({ tokenId: token.id, maxUses: token.maxUses, by: user.username }, 'enrollment token created');
    return c.json(token, 201);
  });

  return app;
}
