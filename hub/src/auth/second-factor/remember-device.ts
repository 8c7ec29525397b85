/**
 * "Remember this device": an HttpOnly cookie sealed (AES-256-GCM, so it is authenticated as
 * well as opaque) with the hub's secret key, naming the account, its expiry, when its second
 * factor was confirmed and when its password last changed. Turning 2FA off (or enrolling
 * anew) changes the first, a password change the second: either revokes every remembered
 * device of the account without a list of them to keep.
 * @module
 */
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { users } from '../../db/schema.js';
import { secureCookies } from '../cookies.js';
import { listPasskeys } from '../passkeys/store.js';
import { type SecondFactorDeps, secondFactorRow } from './service.js';

export const DEVICE_COOKIE = 'unity_2fa_device';
const CONTEXT = 'remember-device';
const DAY_MS = 86_400_000;

const Payload = z.object({ u: z.string(), e: z.number(), f: z.number(), p: z.number() });

/** When the second factor began: TOTP's confirmation, else the oldest passkey's registration. */
async function factorSince(sf: SecondFactorDeps, userId: string): Promise<number | undefined> {
  const factor = await secondFactorRow(sf.db, userId);
  if (factor?.confirmedAt) return factor.confirmedAt.getTime();
  return (await listPasskeys(sf.db, userId))[0]?.createdAt.getTime();
}

async function bindingOf(sf: SecondFactorDeps, userId: string) {
  const f = await factorSince(sf, userId);
  if (f === undefined) return undefined;
  const [user] = await sf.db
    .select({ changed: users.passwordChangedAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return user ? { f, p: user.changed?.getTime() ?? 0 } : undefined;
}

export async function rememberDevice(
  c: Context,
  sf: SecondFactorDeps,
  config: Config,
  userId: string,
): Promise<void> {
  const binding = await bindingOf(sf, userId);
  if (!binding || config.rememberDeviceDays === 0) return;
  const maxAgeMs = config.rememberDeviceDays * DAY_MS;
  const value = sf.box.seal(JSON.stringify({ u: userId, e: sf.clock() + maxAgeMs, ...binding }), CONTEXT);
  setCookie(c, DEVICE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/api/auth',
    secure: secureCookies(c, config),
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

/** Whether this browser holds a live "remember this device" cookie for the account. */
export async function isRememberedDevice(c: Context, sf: SecondFactorDeps, userId: string): Promise<boolean> {
  const value = getCookie(c, DEVICE_COOKIE);
  if (!value || value.length > 1024) return false;
  let payload: z.infer<typeof Payload>;
  try {
    payload = Payload.parse(JSON.parse(sf.box.open(value, CONTEXT)));
  } catch {
    return false; // forged, from another hub key, or malformed: simply not remembered
  }
  if (payload.u !== userId || payload.e <= sf.clock()) return false;
  const binding = await bindingOf(sf, userId);
  return binding !== undefined && binding.f === payload.f && binding.p === payload.p;
}
