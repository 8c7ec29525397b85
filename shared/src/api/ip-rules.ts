/**
 * API shapes of the admin-managed IP rules (issue 8): allow and deny CIDRs for people (`ui`:
 * the web UI and the API) and, separately, for agents (enrollment, connections, install
 * downloads). The hub's environment lists (UNITY_UI_ALLOW/DENY, UNITY_AGENT_ALLOW/DENY) apply
 * as well and always win: they are shown here but cannot be changed through the API.
 * @module
 */
import { z } from 'zod';

export const IP_RULE_TARGETS = ['ui', 'agent'] as const;
export const IpRuleTargetSchema = z.enum(IP_RULE_TARGETS);
export type IpRuleTarget = z.infer<typeof IpRuleTargetSchema>;

export const IpRuleActionSchema = z.enum(['allow', 'deny']);
export type IpRuleAction = z.infer<typeof IpRuleActionSchema>;

/** Most rules one hub keeps; a longer list belongs in a firewall. */
export const MAX_IP_RULES = 500;

/** One IPv4 or IPv6 address, or a CIDR range of either (`10.0.0.0/8`, `fd00::/8`). */
export const CidrSchema = z
  .string()
  .trim()
  .pipe(
    z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
      error: 'must be an IPv4 or IPv6 address or CIDR range (10.0.0.0/8, fd00::/8)',
    }),
  );

export const IpRuleInputSchema = z.object({
  target: IpRuleTargetSchema,
  action: IpRuleActionSchema,
  cidr: CidrSchema,
  note: z.string().trim().max(200).default(''),
});
export type IpRuleInput = z.input<typeof IpRuleInputSchema>;

/** `PUT /api/security/ip-rules`: the whole new set of admin-managed rules. */
export const IpRulesUpdateSchema = z
  .object({ rules: z.array(IpRuleInputSchema).max(MAX_IP_RULES, `at most ${MAX_IP_RULES} rules`) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.rules.forEach((r, i) => {
      const key = `${r.target} ${r.action} ${r.cidr}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'cidr'], message: `${key} is listed twice` });
      seen.add(key);
    });
  });
export type IpRulesUpdate = z.infer<typeof IpRulesUpdateSchema>;

export const IpRuleSchema = z.object({
  id: z.string(),
  target: IpRuleTargetSchema,
  action: IpRuleActionSchema,
  cidr: z.string(),
  note: z.string(),
  createdAt: z.number(),
});
export type IpRule = z.infer<typeof IpRuleSchema>;

const ListPairSchema = z.object({ allow: z.array(z.string()), deny: z.array(z.string()) });

/** `GET` and `PUT /api/security/ip-rules`. */
export const IpRulesViewSchema = z.object({
  /** The environment's lists: always applied, read-only here. */
  env: z.object({ ui: ListPairSchema, agent: ListPairSchema }),
  rules: z.array(IpRuleSchema),
  /** The address this request came from, as the hub sees it (after trusted proxies). */
  yourIp: z.string().nullable(),
});
export type IpRulesView = z.infer<typeof IpRulesViewSchema>;
