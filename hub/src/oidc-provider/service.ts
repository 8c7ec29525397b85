/**
 * The provider's lifetime in a hub: built on first use (so a hub nobody signs in through pays
 * nothing), rebuilt after a signing-key rotation and when a retired key has outlived its tokens, and a
 * sweep of expired state every 10 minutes, stopped when the hub closes.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { recordEvent } from '../audit/audit-log.js';
import { resolveAccess } from '../auth/access.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { clientIpOfRequest } from '../http/client-ip.js';
import { SecretBox } from '../notify/secrets.js';
import type { HubDeps } from '../types.js';
import { sweepExpired } from './adapter.js';
import { hasExpiredRetiredKey, rotateSigningKey } from './keys.js';
import { buildProvider, unityUserOfRequest } from './provider.js';

type Built = { provider: Provider; handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> };

export class OidcService {
  readonly box: SecretBox;
  readonly issuer: string;
  #built: Promise<Built> | undefined;
  readonly #deps: HubDeps;

  constructor(deps: HubDeps) {
    this.#deps = deps;
    this.box = SecretBox.fromConfig(deps.config.notify.secretKey, deps.config.dataDir);
    this.issuer = deps.config.publicUrl.replace(/\/+$/, '');
    const timer = setInterval(() => {
      this.#sweep().catch((error: unknown) =>
        deps.log.warn({ err: error }, 'could not sweep expired OIDC state'),
      );
    }, 600_000);
    timer.unref();
    deps.onClose(() => clearInterval(timer));
  }

  /** Drops expired state, and unpublishes retired keys whose tokens have all expired. */
  async #sweep(): Promise<void> {
    await sweepExpired(this.#deps.db, this.now());
    if (this.#built && (await hasExpiredRetiredKey(this.#deps.db, this.now()))) {
      this.#built = undefined;
      await this.built();
    }
  }

  now(): number {
    return (this.#deps.clock ?? Date.now)();
  }

  built(): Promise<Built> {
    this.#built ??= buildProvider({
      db: this.#deps.db,
      box: this.box,
      log: this.#deps.log.child({ module: 'oidc-provider' }),
      issuer: this.issuer,
      clock: () => this.now(),
      onSignOut: (ctx) => this.#signOutOfUnity(ctx),
    }).then(
      (provider) => ({ provider, handle: provider.callback() as Built['handle'] }),
      (error: unknown) => {
        this.#built = undefined;
        throw error;
      },
    );
    return this.#built;
  }

  /** Ends the browser's Unity session too (its cookie is cleared in the same response). */
  #signOutOfUnity(ctx: KoaContextWithOIDC): void {
    const deps = this.#deps;
    const secret = ctx.cookies.get(SESSION_COOKIE);
    if (!secret) return;
    ctx.cookies.set(SESSION_COOKIE, null, { path: '/', httpOnly: true, sameSite: 'lax', overwrite: true });
    const userId = unityUserOfRequest.get(ctx.req);
    void (async () => {
      // Audited first, so the entry exists once the session is gone.
      const user = userId ? await resolveAccess(deps.db, userId) : undefined;
      if (userId)
        await recordEvent(deps.db, {
          actor: { id: userId, name: user?.user.username ?? userId },
          ip: clientIpOfRequest(ctx.req, deps.config),
          action: 'auth.signout',
          objectType: 'user',
          objectId: userId,
          objectName: user?.user.username ?? null,
          outcome: 'ok',
          message: `signed out through ${ctx.oidc.client?.clientName ?? 'an app'} (OIDC end_session)`,
        });
      await deps.sessions.end(secret);
    })().catch((error: unknown) => deps.log.warn({ err: error }, 'could not end the Unity session'));
  }

  /** A new signing key signs from now on; the old ones stay published until their tokens expire. */
  async rotate(): Promise<void> {
    await rotateSigningKey(this.#deps.db, this.box, this.now());
    this.#built = undefined;
    await this.built();
  }
}
