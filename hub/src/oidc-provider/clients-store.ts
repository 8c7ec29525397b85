/**
 * Registered relying parties: CRUD for the admin API, and the client metadata oidc-provider
 * reads on every request. A confidential client's secret (256 random bits) is sealed with the
 * hub's secret key — oidc-provider compares it in plain at the token endpoint, so a one-way
 * hash cannot be used — and is returned only by `createClient`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type {
  OidcClient,
  OidcClientCreated,
  OidcClientInputSchema,
  OidcClientUpdateSchema,
} from '@unity/shared';
import { desc, eq } from 'drizzle-orm';
import type { AdapterPayload } from 'oidc-provider';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import { oidcClients } from '../db/schema.js';
import { notFound } from '../errors.js';
import type { SecretBox } from '../notify/secrets.js';

type Row = typeof oidcClients.$inferSelect;
const context = (id: string) => `oidc-client:${id}`;

const view = (r: Row): OidcClient => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  redirectUris: r.redirectUris,
  postLogoutRedirectUris: r.postLogoutRedirectUris,
  scopes: r.scopes,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function listClients(db: Db): Promise<OidcClient[]> {
  return (await db.select().from(oidcClients).orderBy(desc(oidcClients.createdAt))).map(view);
}

export async function createClient(
  db: Db,
  box: SecretBox,
  input: z.output<typeof OidcClientInputSchema>,
  createdBy: string | null,
): Promise<OidcClientCreated> {
  const id = `unity-${randomBytes(12).toString('base64url')}`;
  const secret = input.kind === 'confidential' ? randomBytes(32).toString('base64url') : null;
  const [row] = await db
    .insert(oidcClients)
    .values({
      id,
      name: input.name,
      kind: input.kind,
      secretSealed: secret ? box.seal(secret, context(id)) : null,
      redirectUris: input.redirectUris,
      postLogoutRedirectUris: input.postLogoutRedirectUris,
      scopes: withOpenid(input.scopes),
      createdBy,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return { ...view(row), secret };
}

export async function updateClient(
  db: Db,
  id: string,
  input: z.output<typeof OidcClientUpdateSchema>,
): Promise<OidcClient> {
  const [row] = await db
    .update(oidcClients)
    .set({
      name: input.name,
      redirectUris: input.redirectUris,
      postLogoutRedirectUris: input.postLogoutRedirectUris,
      scopes: withOpenid(input.scopes),
      updatedAt: new Date(),
    })
    .where(eq(oidcClients.id, id))
    .returning();
  if (!row) throw notFound(`no OIDC client ${id}`);
  return view(row);
}

export async function deleteClient(db: Db, id: string): Promise<void> {
  const rows = await db.delete(oidcClients).where(eq(oidcClients.id, id)).returning({ id: oidcClients.id });
  if (rows.length === 0) throw notFound(`no OIDC client ${id}`);
}

const withOpenid = (scopes: readonly string[]) => [...new Set(['openid', ...scopes])];

/** oidc-provider client metadata for a registered client, or undefined when there is none. */
export async function clientMetadata(
  db: Db,
  box: SecretBox,
  id: string,
): Promise<AdapterPayload | undefined> {
  const [r] = await db.select().from(oidcClients).where(eq(oidcClients.id, id)).limit(1);
  if (!r) return undefined;
  const grantTypes = r.scopes.includes('offline_access')
    ? ['authorization_code', 'refresh_token']
    : ['authorization_code'];
  return {
    client_id: r.id,
    client_name: r.name,
    ...(r.secretSealed
      ? {
          client_secret: box.open(r.secretSealed, context(r.id)),
          token_endpoint_auth_method: 'client_secret_basic',
        }
      : { token_endpoint_auth_method: 'none' }),
    redirect_uris: r.redirectUris,
    post_logout_redirect_uris: r.postLogoutRedirectUris,
    grant_types: grantTypes,
    response_types: ['code'],
    scope: r.scopes.join(' '),
    id_token_signed_response_alg: 'RS256',
  };
}
