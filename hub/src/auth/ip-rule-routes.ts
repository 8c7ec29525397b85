/**
 * `/api/security/ip-rules` for admins (`settings:read`, `settings:write`): the environment's
 * lists (read-only: they always apply and win) and the admin-managed allow and deny CIDRs for
 * people and for agents. `PUT` replaces the managed set as a whole; a set that would refuse
 * the caller's own address on the UI and API is refused with 400 and nothing changes. Every
 * change, and every refused lock-out, is in the audit log.
 * @module
 */
import { IpRulesUpdateSchema, type IpRulesView } from '@unity/shared';
import { type Context, Hono } from 'hono';
import { recordEvent } from '../audit/audit-log.js';
import { badRequest } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { listIpRules, replaceIpRules, type StoredIpRule } from '../http/ip-rule-store.js';
import { jsonBody } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { permit } from './require-permission.js';

const describe = (r: { target: string; action: string; cidr: string }) => `${r.target} ${r.action} ${r.cidr}`;

/** "added: ui deny 203.0.113.0/24; removed: agent allow 10.0.0.0/8" (or "no change"). */
export function ruleChanges(before: readonly StoredIpRule[], after: readonly StoredIpRule[]): string {
  const was = new Set(before.map(describe));
  const now = new Set(after.map(describe));
  const added = [...now].filter((k) => !was.has(k));
  const removed = [...was].filter((k) => !now.has(k));
  const parts = [
    ...(added.length ? [`added: ${added.join(', ')}`] : []),
    ...(removed.length ? [`removed: ${removed.join(', ')}`] : []),
  ];
  return parts.length ? parts.join('; ') : 'no change';
}

export function ipRuleRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  const policy = deps.ipPolicy;

  const view = async (c: Context<HubEnv>, rules?: StoredIpRule[]): Promise<IpRulesView> => ({
    env: {
      ui: { allow: [...policy.env.ui.allow.entries], deny: [...policy.env.ui.deny.entries] },
      agent: { allow: [...policy.env.agent.allow.entries], deny: [...policy.env.agent.deny.entries] },
    },
    rules: rules ?? (await listIpRules(deps.db)),
    yourIp: clientIp(c),
  });

  app.get('/', permit('settings', 'read'), async (c) => c.json(await view(c)));

  app.put('/', permit('settings', 'write'), async (c) => {
    const user = c.get('user');
    if (!user) throw new Error('permit let an anonymous request through');
    const { rules } = await jsonBody(c, IpRulesUpdateSchema);
    const ip = clientIp(c);
    const audit = { actor: { id: user.id, name: user.username }, ip, action: 'security.ip_rules' };
    // The guard covers the people's side only: an admin is never an agent.
    if (!policy.wouldAllow('ui', ip, rules)) {
      const message = `these rules would refuse your own address (${ip ?? 'unknown'}) on the UI and API: allow it, or remove the rule that denies it`;
      await recordEvent(deps.db, {
        ...audit,
        objectType: 'settings',
        objectId: 'ip-rules',
        outcome: 'refused',
        message,
      });
      throw badRequest(message);
    }
    const before = await listIpRules(deps.db);
    const after = await replaceIpRules(deps.db, rules, user.id);
    await policy.reload();
    const changes = ruleChanges(before, after);
    deps.log.info({ module: 'ip-rules', by: user.username, changes }, 'IP rules changed');
    await recordEvent(deps.db, {
      ...audit,
      objectType: 'settings',
      objectId: 'ip-rules',
      objectName: 'IP rules',
      outcome: 'ok',
      message: changes,
    });
    return c.json(await view(c, after));
  });

  return app;
}
