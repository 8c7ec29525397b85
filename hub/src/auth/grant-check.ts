/**
 * The no-escalation rule at the edge: a caller may hand out a role only when it holds every
 * permission of that role everywhere itself.
 * @module
 */
import type { BuiltInRole } from '@unity/shared';
import type { Context } from 'hono';
import type { Db } from '../db/client.js';
import { badRequest, forbidden } from '../errors.js';
import type { HubEnv } from '../types.js';
import { notGrantable } from './access.js';
import { BUILT_IN_ROLES } from './permissions.js';
import { findRole } from './roles-store.js';

export async function assertMayGrant(
  c: Context<HubEnv>,
  db: Db,
  role: BuiltInRole | string | null,
): Promise<void> {
  if (role === null) return;
  const permissions =
    role in BUILT_IN_ROLES
      ? BUILT_IN_ROLES[role as BuiltInRole].permissions
      : (await findRole(db, role))?.permissions;
  if (!permissions) throw badRequest(`invalid body: no role ${role}`);
  const missing = notGrantable(c.get('access'), permissions);
  if (missing.length > 0) {
    throw forbidden(`you cannot grant a role with ${missing.join(', ')}: you do not hold it everywhere`);
  }
}
