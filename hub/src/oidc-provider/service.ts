/**
 * The provider's lifetime in a hub: built on first use (so a hub nobody signs in through pays
 * nothing), rebuilt after a signing-key rotation, and an hourly sweep of expired state stopped
 * when the hub closes.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { SecretBox } from '../notify/secrets.js';
import type { HubDeps } from '../types.js';
import { sweepExpired } from './adapter.js';
import { rotateSigningKey } from './keys.js';
import { buildProvider } from './provider.js';

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
      sweepExpired(deps.db, this.now()).catch((error: unknown) =>
        deps.log.warn({ err: error }, 'could not sweep expired OIDC state'),
      );
    }, 3_600_000);
    timer.unref();
    deps.onClose(() => clearInterval(timer));
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
    }).then(
      (provider) => ({ provider, handle: provider.callback() as Built['handle'] }),
      (error: unknown) => {
        this.#built = undefined;
        throw error;
      },
    );
    return this.#built;
  }

  /** A new signing key signs from now on; the old ones stay published until their tokens expire. */
  async rotate(): Promise<void> {
    await rotateSigningKey(this.#deps.db, this.box, this.now());
    this.#built = undefined;
    await this.built();
  }
}
