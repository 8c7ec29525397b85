/**
 * The first admin. With no users at start: create the admin named by UNITY_ADMIN_USER and
 * UNITY_ADMIN_PASSWORD, or else store a fresh one-time setup token (its digest) and print the
 * setup URL on stdout. The URL is printed, not logged: log lines get shipped and kept.
 * @module
 */
import type { Me, SetupRequest } from '@unity/shared';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { setupToken } from '../db/schema.js';
import { unauthorized } from '../errors.js';
import type { Logger } from '../log.js';
import { newSecret, sameDigest, sha256Hex } from './tokens.js';
import { countUsers, createUser } from './users.js';

export type BootstrapOptions = {
  admin: { username: string; password: string } | undefined;
  publicUrl: string;
  /** Where the setup URL goes; stdout in production, captured in tests. */
  print: (line: string) => void;
};

/** Returns the setup URL when first-admin setup is pending, else undefined. */
export async function bootstrapAuth(
  db: Db,
  options: BootstrapOptions,
  log: Logger,
): Promise<string | undefined> {
  if ((await countUsers(db)) > 0) {
    await db.delete(setupToken);
    return undefined;
  }
  if (options.admin) {
    await createUser(db, { ...options.admin, role: 'admin' });
    log.info({ username: options.admin.username }, 'created the first admin from UNITY_ADMIN_USER');
    return undefined;
  }
  const token = newSecret();
  await db
    .insert(setupToken)
    .values({ id: 1, tokenHash: sha256Hex(token) })
    .onConflictDoUpdate({
      target: setupToken.id,
      set: { tokenHash: sha256Hex(token), createdAt: sql`now()` },
    });
  const url = `${options.publicUrl}/setup?token=${token}`;
  options.print(`Open ${url} to create the first admin`);
  log.warn('no users yet: first-admin setup is pending; the one-time setup URL was printed on stdout');
  return url;
}

export async function setupRequired(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/**
 * Creates the first admin with the one-time token. The token row is locked and deleted in the
 * same transaction, so two concurrent setups cannot both succeed.
 */
export async function completeSetup(db: Db, req: SetupRequest): Promise<Me> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(setupToken).where(eq(setupToken.id, 1)).for('update');
    if (!row || (await countUsers(tx)) > 0) throw unauthorized('setup is already complete');
    if (!sameDigest(row.tokenHash, sha256Hex(req.token))) throw unauthorized('setup token is not valid');
    await tx.delete(setupToken).where(eq(setupToken.id, 1));
    return createUser(tx, { username: req.username, password: req.password, role: 'admin' });
  });
}
