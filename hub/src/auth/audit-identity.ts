/**
 * Audit entries for identity changes (users, roles, groups, bindings, API keys), written through
 * the existing audit writer.
 * @module
 */
import type { Context } from 'hono';
import { recordAudit } from '../audit/audit-log.js';
import type { Db } from '../db/client.js';
import { clientIp } from '../http/client-ip.js';
import type { HubEnv } from '../types.js';

export async function auditIdentity(
  db: Db,
  c: Context<HubEnv>,
  entry: {
    action: string;
    objectType: string;
    objectId: string;
    objectName?: string | null;
    message?: string;
  },
): Promise<void> {
  const user = c.get('user');
  if (!user) return;
  await recordAudit(db, { user, ip: clientIp(c), outcome: 'ok', ...entry });
}
