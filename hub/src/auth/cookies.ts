/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (no cross-site POSTs carry
 * it), Path=/, and Secure when the hub is reached over TLS (UNITY_SECURE_COOKIES=auto) or always.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { ABSOLUTE_TIMEOUT_MS, SESSION_COOKIE } from './sessions.js';

export function secureCookies(c: Context, config: Pick<Config, 'secureCookies' | 'publicUrl'>): boolean {
  switch (config.secureCookies) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'auto':
      return (
        config.publicUrl.startsWith('https:') ||
        new URL(c.req.url).protocol === 'https:' ||
        c.req.header('x-forwarded-proto') === 'https'
      );
  }
}

export function setSessionCookie(c: Context, config: Config, secret: string): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: secureCookies(c, config),
    maxAge: Math.floor(ABSOLUTE_TIMEOUT_MS / 1000),
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
