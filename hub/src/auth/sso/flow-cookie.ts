/**
 * The state of one sign-in (or link) between the redirect to the provider and its return: state,
 * nonce, PKCE verifier, what the flow is for and where to go next, sealed (AES-GCM under the
 * hub's key) in an HttpOnly cookie scoped to `/auth/sso`. SameSite=Lax, since the provider's
 * redirect back is a cross-site top-level navigation. It is deleted at the callback, so it
 * completes at most one flow, and it ends after 10 minutes.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../notify/secrets.js';
import { secureCookies } from '../cookies.js';

export const FLOW_COOKIE = 'unity_sso_flow';
const PATH = '/auth/sso';
const TTL_MS = 10 * 60_000;
const CONTEXT = 'sso-flow';

const FlowSchema = z.object({
  provider: z.string(),
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  intent: z.enum(['signin', 'link']),
  /** The local account a link flow adds the identity to (set by an authenticated request). */
  userId: z.string().optional(),
  next: z.string(),
  expiresAt: z.number(),
});
export type Flow = z.infer<typeof FlowSchema>;

export function setFlow(
  c: Context,
  config: Config,
  box: SecretBox,
  flow: Omit<Flow, 'expiresAt'>,
  now: number,
) {
  setCookie(c, FLOW_COOKIE, box.seal(JSON.stringify({ ...flow, expiresAt: now + TTL_MS }), CONTEXT), {
    httpOnly: true,
    sameSite: 'Lax',
    path: PATH,
    secure: secureCookies(c, config),
    maxAge: TTL_MS / 1000,
  });
}

/** The flow of this browser, used up: the cookie is deleted whatever it held. */
export function takeFlow(c: Context, config: Config, box: SecretBox, now: number): Flow | undefined {
  const sealed = getCookie(c, FLOW_COOKIE);
  deleteCookie(c, FLOW_COOKIE, { path: PATH, secure: secureCookies(c, config), httpOnly: true });
  if (!sealed || sealed.length > 4096) return undefined;
  try {
    const flow = FlowSchema.parse(JSON.parse(box.open(sealed, CONTEXT)));
    return flow.expiresAt > now ? flow : undefined;
  } catch {
    return undefined;
  }
}
