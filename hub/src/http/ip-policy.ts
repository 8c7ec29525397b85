/**
 * The IP rules in force: the environment's lists (fixed at start) and the admin-managed rules
 * stored in the database (migration 0022). An address passes a target (`ui` or `agent`) only
 * when both layers let it through, so managed rules can narrow what the environment allows but
 * never widen it: the environment always wins. Managed rules are re-read at most every
 * `refreshMs` (other replicas' changes) and at once after a change made through this hub, so
 * a change applies without a restart.
 * @module
 */
import type { IpRuleTarget } from '@unity/shared';
import type { IpRules } from '../config-security.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { EMPTY_CIDRS, parseCidrList } from './cidr.js';
import { listIpRules, type StoredIpRule } from './ip-rule-store.js';
import { ipAllowed } from './ip-rules.js';

export const IP_RULES_REFRESH_MS = 5_000;

type RuleLike = Pick<StoredIpRule, 'target' | 'action' | 'cidr'>;
export type TargetRules = Record<IpRuleTarget, IpRules>;

const NO_RULES: TargetRules = {
  ui: { allow: EMPTY_CIDRS, deny: EMPTY_CIDRS },
  agent: { allow: EMPTY_CIDRS, deny: EMPTY_CIDRS },
};

/** The managed rules as lists per target; an entry that does not parse (edited by hand in SQL) is skipped. */
export function compileRules(rows: readonly RuleLike[]): TargetRules {
  const list = (target: IpRuleTarget, action: 'allow' | 'deny') => {
    const entries = rows.filter((r) => r.target === target && r.action === action).map((r) => r.cidr);
    const valid = entries.filter((e) => parseCidrList(e).ok);
    const parsed = parseCidrList(valid.join(','));
    return parsed.ok ? parsed.value : EMPTY_CIDRS;
  };
  return {
    ui: { allow: list('ui', 'allow'), deny: list('ui', 'deny') },
    agent: { allow: list('agent', 'allow'), deny: list('agent', 'deny') },
  };
}

export type IpPolicyOptions = {
  db: Db;
  env: TargetRules;
  log: Logger;
  refreshMs?: number;
  now?: () => number;
};

export class IpPolicy {
  readonly env: TargetRules;
  #o: IpPolicyOptions;
  #managed: TargetRules = NO_RULES;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  constructor(o: IpPolicyOptions) {
    this.#o = o;
    this.env = o.env;
  }

  /** Whether `ip` may reach `target` under the environment's and the managed rules. */
  async allowed(target: IpRuleTarget, ip: string | null): Promise<boolean> {
    if (!ipAllowed(this.env[target], ip)) return false;
    await this.#fresh();
    return ipAllowed(this.#managed[target], ip);
  }

  /** Whether `ip` would reach `target` with `rows` as the managed rules (the self-lockout guard). */
  wouldAllow(target: IpRuleTarget, ip: string | null, rows: readonly RuleLike[]): boolean {
    return ipAllowed(this.env[target], ip) && ipAllowed(compileRules(rows)[target], ip);
  }

  /** Re-reads the managed rules now (after a change made through this hub). */
  async reload(): Promise<void> {
    const rows = await listIpRules(this.#o.db);
    this.#managed = compileRules(rows);
    this.#loadedAt = (this.#o.now ?? Date.now)();
  }

  async #fresh(): Promise<void> {
    const now = (this.#o.now ?? Date.now)();
    if (now - this.#loadedAt < (this.#o.refreshMs ?? IP_RULES_REFRESH_MS)) return;
    // One read at a time; requests meanwhile wait for it rather than each starting their own.
    this.#loading ??= this.reload()
      .catch((e: unknown) => {
        // The last rules read stay in force (the environment's always apply); retried next interval.
        this.#loadedAt = now;
        this.#o.log.warn({ err: e }, 'could not read the IP rules; keeping the last ones');
      })
      .finally(() => {
        this.#loading = undefined;
      });
    await this.#loading;
  }
}
