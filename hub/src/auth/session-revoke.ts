/**
 * What other parts of the hub call when an account changes: end all its sessions (account
 * disabled or deleted, password reset), or rotate the caller's own session after a privilege
 * change so a secret captured before the change is worth nothing after it.
 * @module
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { HubDeps, HubEnv } from '../types.js';
import { setSessionCookie } from './cookies.js';
import { SESSION_COOKIE, sessionHash } from './sessions.js';

/**
 * Ends every session of `userId`; with `keepCurrentOf`, the session making that request stays.
 * Returns how many ended. Their next request answers 401.
 */
export async function endSessionsOfUser(
  deps: Pick<HubDeps, 'sessions'>,
  userId: string,
  keepCurrentOf?: Context,
): Promise<number> {
  const secret = keepCurrentOf ? getCookie(keepCurrentOf, SESSION_COOKIE) : undefined;
  return deps.sessions.endAllOf(userId, secret ? sessionHash(secret) : undefined);
}

/**
 * Replaces the caller's session with a fresh one (same user, same remember-me choice) and sets
 * the new cookie. No-op without a session cookie (Bearer or header-auth requests).
 */
export async function rotateSession(
  deps: Pick<HubDeps, 'sessions' | 'config'>,
  c: Context<HubEnv>,
): Promise<void> {
  const secret = getCookie(c, SESSION_COOKIE);
  if (!secret) return;
  const current = await deps.sessions.resolve(secret);
  if (!current) return;
  const { ip, device, remember } = current.session;
  const next = await deps.sessions.rotate(secret, { ip, device, remember });
  if (next) setSessionCookie(c, deps.config, next);
}
