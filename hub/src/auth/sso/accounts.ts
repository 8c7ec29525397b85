/**
 * From an external account to a local one: the provider's admission rules (verified e-mail in
 * an allowed domain, membership of an allowed GitHub organisation), the account keyed on
 * provider + subject (never matched by e-mail: whoever controls an address at some provider
 * must not inherit an existing account; existing users link from their profile), optional
 * auto-provisioning, and the role from the provider's rules.
 * @module
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import type { Role, UserRecord } from '../users.js';
import { findIdentity, linkIdentity, type ProviderRecord, touchIdentity } from './store.js';
import { type ExternalProfile, SsoError } from './types.js';

const RANK = { viewer: 0, editor: 1, admin: 2 } as const;

/** Throws when the provider's rules do not admit this external account. */
export function checkAdmitted(p: ProviderRecord, profile: ExternalProfile): void {
  if (!profile.subject) throw new SsoError('provider_error', 'the provider sent no subject');
  if (p.allowedDomains.length > 0) {
    if (!profile.email || !profile.emailVerified)
      throw new SsoError('email_not_verified', 'the provider did not vouch for an e-mail address');
    const domain = profile.email.split('@').pop() ?? '';
    if (!p.allowedDomains.includes(domain))
      throw new SsoError('domain_not_allowed', `e-mail domain ${domain} is not allowed here`);
  }
  if (p.kind === 'github' && p.allowedOrgs.length > 0) {
    const mine = new Set(profile.orgs.map((o) => o.toLowerCase()));
    if (!p.allowedOrgs.some((o) => mine.has(o.toLowerCase())))
      throw new SsoError('org_not_allowed', 'the GitHub account is in none of the allowed organisations');
  }
}

/** The highest role a rule grants for the claim's values; undefined when none matches. */
export function roleFromClaims(
  p: ProviderRecord,
  claims: Record<string, unknown>,
): NonNullable<Role> | undefined {
  const raw = claims[p.roleClaim || (p.kind === 'github' ? 'orgs' : 'groups')];
  const values = new Set(
    (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string'),
  );
  let best: NonNullable<Role> | undefined;
  for (const rule of p.roleMapping) {
    if (values.has(rule.value) && (!best || RANK[rule.role] > RANK[best])) best = rule.role;
  }
  return best;
}

/**
 * The local account for a sign-in. With role rules configured, the role of an account the
 * provider created follows the provider at every sign-in (removing someone from the IdP group
 * removes the role here too). An existing local account that linked a provider keeps the role
 * an admin gave it: a linked IdP account must not demote (or promote) an admin.
 */
export async function accountFor(
  db: Db,
  p: ProviderRecord,
  profile: ExternalProfile,
  now: Date,
): Promise<{ user: UserRecord; provisioned: boolean }> {
  const mapped = p.roleMapping.length > 0 ? (roleFromClaims(p, profile.claims) ?? p.defaultRole) : undefined;
  const identity = await findIdentity(db, p.id, profile.subject);
  if (identity) {
    await touchIdentity(db, identity.id, profile.email, now);
    const [user] = await db.select().from(users).where(eq(users.id, identity.userId)).limit(1);
    if (!user) throw new SsoError('not_provisioned', 'the linked account is gone');
    if (identity.provisioned && mapped !== undefined && mapped !== user.role) {
      await db.update(users).set({ role: mapped }).where(eq(users.id, user.id));
      user.role = mapped;
    }
    return { user, provisioned: false };
  }
  if (!p.autoProvision)
    throw new SsoError('not_provisioned', 'no account here is linked to this external account');
  const user = await provision(db, profile, mapped === undefined ? p.defaultRole : mapped);
  const link = {
    providerId: p.id,
    subject: profile.subject,
    userId: user.id,
    email: profile.email,
    lastUsedAt: now,
    provisioned: true,
  };
  if (!(await linkIdentity(db, link))) {
    // Another request provisioned the same external account a moment ago.
    await db.delete(users).where(eq(users.id, user.id));
    return accountFor(db, p, profile, now);
  }
  return { user, provisioned: true };
}

const usernameBase = (profile: ExternalProfile): string =>
  profile.username
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}._@-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100) || `user-${profile.subject.slice(0, 40)}`;

/** A new account without a password (an empty hash never verifies): it signs in through the provider. */
async function provision(db: Db, profile: ExternalProfile, role: Role): Promise<UserRecord> {
  const base = usernameBase(profile);
  for (let n = 1; n <= 50; n++) {
    const [row] = await db
      .insert(users)
      .values({
        username: n === 1 ? base : `${base}-${n}`,
        passwordHash: '',
        role,
        displayName: profile.displayName.slice(0, 200),
        email: profile.email,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
  }
  throw new SsoError('provider_error', 'no free username for the new account');
}
