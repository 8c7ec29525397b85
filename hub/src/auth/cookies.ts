/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (no cross-site POSTs carry
 * it), Path=/, and Secure when the hub is reached over TLS (UNITY_SECURE_COOKIES=auto) or always.
 * Without "remember me" it is a browser-session cookie (no Max-Age): closing the browser ends it.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { peerIp } from '../http/client-ip.js';
import { type NewSession, SESSION_COOKIE } from './sessions.js';

export function secureCookies(
  c: Context,
  config: Pick<Config, 'secureCookies' | 'publicUrl' | 'trustedProxies'>,
): boolean {
  switch (config.secureCookies) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'auto':
      return (
        config.publicUrl.startsWith('https:') ||
        new URL(c.req.url).protocol === 'https:' ||
        // Only a trusted proxy's word counts; anyone can send the header.
        (config.trustedProxies.contains(peerIp(c)) && c.req.header('x-forwarded-proto') === 'https')
      );
  }
}

export function setSessionCookie(c: Context, config: Config, created: NewSession): void {
  const { session } = created;
  setCookie(c, SESSION_COOKIE, created.secret, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: secureCookies(c, config),
    ...(session.remember ? { maxAge: Math.floor((session.expiresAt - Date.now()) / 1000) } : {}),
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    secure: secureCookies(c, config),
    httpOnly: true,
    sameSite: 'Lax',
  });
}
