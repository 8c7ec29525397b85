/**
 * `regulated(...)`: runs a credential check under brute-force regulation. A banned address (or
 * account from it) is refused with 429 before the check runs; a check that throws `unauthorized`
 * counts as a failure and is answered after the progressive delay; a success clears the pair's
 * failures. Sign-in has its own flow (routes.ts); enrollment and API-key checks use this:
 *
 * @example
 * const key = await regulated(deps, c, { scope: 'api-key' }, () => verifyApiKey(deps.db, bearer));
 * @module
 */
import type { Context } from 'hono';
import { HubError } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import type { HubDeps } from '../types.js';
import type { BanState, RegulationScope } from './regulation.js';

const WHAT: Record<RegulationScope, string> = {
  signin: 'sign-ins',
  enroll: 'enrollments',
  'api-key': 'API key attempts',
};

/** 429 with Retry-After for a ban in force. */
export function bannedError(c: Context, ban: Extract<BanState, { banned: true }>, what: string): HubError {
  const seconds = Math.max(1, Math.ceil((ban.until - Date.now()) / 1000));
  c.header('Retry-After', String(seconds));
  return new HubError('rate_limited', `too many failed ${what} from your address; try again in ${seconds} s`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function regulated<T>(
  deps: Pick<HubDeps, 'regulator'>,
  c: Context,
  what: { scope: RegulationScope; account?: string | null },
  check: () => Promise<T>,
): Promise<T> {
  const attempt = { ...what, ip: clientIp(c) ?? 'unknown' };
  const state = await deps.regulator.check(attempt);
  if (state.banned) throw bannedError(c, state, WHAT[what.scope]);
  try {
    const value = await check();
    await deps.regulator.succeed(attempt);
    return value;
  } catch (error) {
    if (error instanceof HubError && error.code === 'unauthorized') {
      const outcome = await deps.regulator.fail(attempt);
      await sleep(outcome.delayMs);
    }
    throw error;
  }
}
