/**
 * Providers, linked identities and the SSO settings row in the database. The client secret is
 * sealed with the hub's secret key (the provider id as associated data) and only ever leaves
 * this module towards the provider's token endpoint: `toApi` reports whether one is set.
 * @module
 */
import type { SsoIdentity, SsoProvider, SsoProviderCreate, SsoProviderUpdate } from '@unity/shared';
import { SsoProviderCreateSchema, SsoProviderUpdateSchema } from '@unity/shared';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ssoIdentities, ssoProviders, ssoSettings } from '../../db/schema.js';
import type { SecretBox } from '../../notify/secrets.js';

export type ProviderRecord = typeof ssoProviders.$inferSelect;

const secretContext = (id: string) => `sso-provider:${id}`;

export const redirectUriOf = (publicUrl: string, id: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/auth/sso/${id}/callback`;

export function toApi(p: ProviderRecord, publicUrl: string): SsoProvider {
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    scopes: p.scopes,
    enabled: p.enabled,
    autoProvision: p.autoProvision,
    allowedDomains: p.allowedDomains,
    allowedOrgs: p.allowedOrgs,
    roleClaim: p.roleClaim,
    roleMapping: p.roleMapping,
    defaultRole: p.defaultRole,
    hasClientSecret: p.clientSecretSealed !== '',
    fromEnv: p.fromEnv,
    redirectUri: redirectUriOf(publicUrl, p.id),
  };
}

export const clientSecretOf = (box: SecretBox, p: ProviderRecord): string =>
  p.clientSecretSealed ? box.open(p.clientSecretSealed, secretContext(p.id)) : '';

export async function listProviders(db: Db): Promise<ProviderRecord[]> {
  return db.select().from(ssoProviders).orderBy(asc(ssoProviders.name));
}

export async function getProvider(db: Db, id: string): Promise<ProviderRecord | undefined> {
  const [row] = await db.select().from(ssoProviders).where(eq(ssoProviders.id, id)).limit(1);
  return row;
}

type Fields = Omit<ProviderRecord, 'id' | 'createdAt' | 'clientSecretSealed' | 'fromEnv'>;

function fieldsOf(input: SsoProviderUpdate): Fields {
  const p = SsoProviderUpdateSchema.parse(input);
  return {
    kind: p.kind,
    name: p.name,
    issuer: p.issuer.replace(/\/+$/, ''),
    clientId: p.clientId,
    scopes: p.scopes,
    enabled: p.enabled,
    autoProvision: p.autoProvision,
    allowedDomains: p.allowedDomains,
    allowedOrgs: p.allowedOrgs,
    roleClaim: p.roleClaim,
    roleMapping: p.roleMapping,
    defaultRole: p.defaultRole,
  };
}

/** Inserts; false when the id is taken. */
export async function createProvider(
  db: Db,
  box: SecretBox,
  input: SsoProviderCreate,
  fromEnv = false,
): Promise<boolean> {
  const { id, clientSecret, ...rest } = SsoProviderCreateSchema.parse(input);
  const rows = await db
    .insert(ssoProviders)
    .values({
      id,
      ...fieldsOf(rest),
      clientSecretSealed: clientSecret ? box.seal(clientSecret, secretContext(id)) : '',
      fromEnv,
    })
    .onConflictDoNothing()
    .returning({ id: ssoProviders.id });
  return rows.length === 1;
}

export async function updateProvider(
  db: Db,
  box: SecretBox,
  id: string,
  input: SsoProviderUpdate,
): Promise<boolean> {
  const { clientSecret } = input;
  const rows = await db
    .update(ssoProviders)
    .set({
      ...fieldsOf(input),
      ...(clientSecret ? { clientSecretSealed: box.seal(clientSecret, secretContext(id)) } : {}),
    })
    .where(eq(ssoProviders.id, id))
    .returning({ id: ssoProviders.id });
  return rows.length === 1;
}

export async function deleteProvider(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(ssoProviders)
    .where(eq(ssoProviders.id, id))
    .returning({ id: ssoProviders.id });
  return rows.length === 1;
}

/**
 * Makes the table match UNITY_SSO_PROVIDERS: each listed provider is written (secret included),
 * and providers that came from the environment before but are no longer listed are removed.
 */
export async function syncEnvProviders(db: Db, box: SecretBox, list: SsoProviderCreate[]): Promise<void> {
  const wanted = new Set(list.map((p) => p.id));
  for (const p of list) {
    if (!(await createProvider(db, box, p, true))) {
      await db.update(ssoProviders).set({ fromEnv: true }).where(eq(ssoProviders.id, p.id));
      await updateProvider(db, box, p.id, p);
    }
  }
  for (const old of await db.select().from(ssoProviders).where(eq(ssoProviders.fromEnv, true))) {
    if (!wanted.has(old.id)) await deleteProvider(db, old.id);
  }
}

export type IdentityRecord = typeof ssoIdentities.$inferSelect;

export async function findIdentity(
  db: Db,
  providerId: string,
  subject: string,
): Promise<IdentityRecord | undefined> {
  const [row] = await db
    .select()
    .from(ssoIdentities)
    .where(and(eq(ssoIdentities.providerId, providerId), eq(ssoIdentities.subject, subject)))
    .limit(1);
  return row;
}

/** Links; false when this external account is already linked (to anyone). */
export async function linkIdentity(
  db: Db,
  link: {
    providerId: string;
    subject: string;
    userId: string;
    email: string;
    lastUsedAt?: Date;
    provisioned?: boolean;
  },
): Promise<boolean> {
  const rows = await db
    .insert(ssoIdentities)
    .values(link)
    .onConflictDoNothing()
    .returning({ id: ssoIdentities.id });
  return rows.length === 1;
}

export async function touchIdentity(db: Db, id: string, email: string, now: Date): Promise<void> {
  await db.update(ssoIdentities).set({ lastUsedAt: now, email }).where(eq(ssoIdentities.id, id));
}

export async function identitiesOf(db: Db, userId: string): Promise<SsoIdentity[]> {
  const rows = await db
    .select({ i: ssoIdentities, providerName: ssoProviders.name })
    .from(ssoIdentities)
    .innerJoin(ssoProviders, eq(ssoProviders.id, ssoIdentities.providerId))
    .where(eq(ssoIdentities.userId, userId))
    .orderBy(asc(ssoIdentities.createdAt));
  return rows.map(({ i, providerName }) => ({
    id: i.id,
    providerId: i.providerId,
    providerName,
    subject: i.subject,
    email: i.email,
    createdAt: i.createdAt.toISOString(),
    lastUsedAt: i.lastUsedAt?.toISOString() ?? null,
  }));
}

export async function unlinkIdentity(
  db: Db,
  userId: string,
  id: string,
): Promise<IdentityRecord | undefined> {
  const [row] = await db
    .delete(ssoIdentities)
    .where(and(eq(ssoIdentities.id, id), eq(ssoIdentities.userId, userId)))
    .returning();
  return row;
}

export async function passwordSignInSetting(db: Db): Promise<boolean> {
  const [row] = await db.select().from(ssoSettings).where(eq(ssoSettings.id, 1)).limit(1);
  return row?.passwordSignIn ?? true;
}

export async function setPasswordSignIn(db: Db, on: boolean): Promise<void> {
  await db
    .insert(ssoSettings)
    .values({ id: 1, passwordSignIn: on })
    .onConflictDoUpdate({ target: ssoSettings.id, set: { passwordSignIn: on } });
}
