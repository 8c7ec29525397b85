/**
 * Header auth behind an authenticating proxy (Authelia, Authentik, Traefik/Caddy/nginx forward
 * auth): the proxy signs the user in and passes `Remote-User`, `Remote-Groups`, `Remote-Email`
 * (names configurable). Those headers are believed ONLY when UNITY_HEADER_AUTH=true and the
 * direct peer is in UNITY_TRUSTED_PROXIES (empty by default); from anyone else they are ignored,
 * since any client can send them. A user seen for the first time is created; groups map to the
 * built-in roles on every request, so a group change at the proxy applies at once.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Me } from '@unity/shared';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { recordEvent } from '../audit/audit-log.js';
import type { SecurityConfig } from '../config-security.js';
import { users } from '../db/schema.js';
import { forbidden } from '../errors.js';
import { normalizeIp } from '../http/cidr.js';
import { clientIp, clientIpOfRequest, peerIp } from '../http/client-ip.js';
import type { HubDeps } from '../types.js';
import { hashPassword } from './passwords.js';
import { newSecret } from './tokens.js';
import type { Role } from './users.js';

/** The highest built-in role any of `groups` grants; with no mapping configured, viewer. */
export function roleOfGroups(
  groups: readonly string[],
  map: SecurityConfig['headerAuth']['groups'],
): Role | undefined {
  if (map.admin.length + map.editor.length + map.viewer.length === 0) return 'viewer';
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    if (groups.some((g) => map[role].includes(g))) return role;
  }
  return undefined;
}

/** What header auth needs of a request, from Hono or from a raw upgrade request. */
export type HeaderSource = {
  /** The direct peer (the proxy, if any). */
  peer: string | null;
  /** The client address (for the audit log). */
  ip: string | null;
  header(name: string): string | undefined;
};

type Deps = Pick<HubDeps, 'config' | 'db' | 'log'>;

/** The proxy-authenticated user of this request, or undefined when header auth does not apply. */
export function headerAuthUser(deps: Deps, c: Context): Promise<Me | undefined> {
  return headerAuthOf(deps, { peer: peerIp(c), ip: clientIp(c), header: (name) => c.req.header(name) });
}

/** The same for a raw request (the WebSocket upgrades). */
export function headerAuthOfRequest(deps: Deps, req: IncomingMessage): Promise<Me | undefined> {
  const raw = req.socket.remoteAddress;
  return headerAuthOf(deps, {
    peer: raw ? normalizeIp(raw) : null,
    ip: clientIpOfRequest(req, deps.config),
    header: (name) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
  });
}

export async function headerAuthOf(deps: Deps, src: HeaderSource): Promise<Me | undefined> {
  const settings = deps.config.headerAuth;
  if (!settings.enabled || !deps.config.trustedProxies.contains(src.peer)) return undefined;
  const username = src.header(settings.userHeader)?.trim();
  if (!username) return undefined;
  if (username.length > 128) throw forbidden(`${settings.userHeader} is too long`);
  const groups = (src.header(settings.groupsHeader) ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const role = roleOfGroups(groups, settings.groups);
  if (!role) throw forbidden(`none of your groups (${groups.join(', ') || 'none'}) grants a role here`);

  const [found] = await deps.db
    .select({ id: users.id, username: users.username, role: users.role })
    .from(users)
    .where(eq(users.username, username))
    .limit(1);
  if (found && found.role === role) return found;
  const ip = src.ip;
  if (found) {
    await deps.db.update(users).set({ role }).where(eq(users.id, found.id));
    await recordEvent(deps.db, {
      actor: { id: found.id, name: username },
      ip,
      action: 'user.role_sync',
      objectType: 'user',
      objectId: found.id,
      objectName: username,
      outcome: 'ok',
      message: `role ${found.role} → ${role} from proxy groups`,
    });
    return { ...found, role };
  }
  // No local password: an unguessable one nobody knows, so the account signs in only through the proxy.
  const passwordHash = await hashPassword(newSecret());
  const [created] = await deps.db
    .insert(users)
    .values({ username, passwordHash, role })
    .onConflictDoNothing({ target: users.username })
    .returning({ id: users.id, username: users.username, role: users.role });
  const user =
    created ??
    (await deps.db
      .select({ id: users.id, username: users.username, role: users.role })
      .from(users)
      .where(eq(users.username, username))
      .then((rows) => rows[0]));
  if (!user) throw new Error('header-auth user vanished');
  if (created) {
    deps.log.info({ module: 'auth', username, role }, 'user provisioned from proxy headers');
    const email = src.header(settings.emailHeader)?.trim();
    await recordEvent(deps.db, {
      actor: { id: created.id, name: username },
      ip,
      action: 'user.provision',
      objectType: 'user',
      objectId: created.id,
      objectName: username,
      outcome: 'ok',
      message: `from proxy headers; role ${role}${email ? `; email ${email.slice(0, 256)}` : ''}`,
    });
  }
  return user;
}
