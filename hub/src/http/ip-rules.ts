/**
 * Allow and deny lists of client addresses, one pair for people (UI and API) and one for agents
 * (enrollment, connect, the install downloads). Deny wins; an empty allow list allows everyone.
 * The lists in force are the environment's and the admin-managed ones (http/ip-policy.ts).
 * Health and `/metrics` are outside both: probes and scrapers have their own controls.
 * @module
 */
import { CONNECT_PATH, ENROLL_PATH, type IpRuleTarget } from '@unity/shared';
import type { MiddlewareHandler } from 'hono';
import type { IpRules } from '../config-security.js';
import { forbidden } from '../errors.js';
import { clientIp } from './client-ip.js';

/** True when `ip` may pass `rules`. */
export function ipAllowed(rules: IpRules, ip: string | null): boolean {
  if (rules.deny.contains(ip)) return false;
  return rules.allow.entries.length === 0 || rules.allow.contains(ip);
}

const AGENT_PATHS = new Set([
  ENROLL_PATH,
  CONNECT_PATH,
  '/install.sh',
  '/download/unity-agent.mjs',
  '/download/node',
]);
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export const isAgentPath = (path: string): boolean => AGENT_PATHS.has(path);

/** What the middleware asks: the policy in force (http/ip-policy.ts). */
export type IpGate = { allowed(target: IpRuleTarget, ip: string | null): Promise<boolean> };

export function ipRulesMiddleware(gate: IpGate): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (!OPEN_PATHS.has(path)) {
      const target = isAgentPath(path) ? 'agent' : 'ui';
      if (!(await gate.allowed(target, clientIp(c)))) throw forbidden('your address is not allowed here');
    }
    await next();
  };
}
