/**
 * One second-factor context per hub: the database, a SecretBox under the hub's secret key (the
 * same key that seals channel secrets) and the clock (`deps.clock` in tests, else Date.now).
 * @module
 */
import { SecretBox } from '../../notify/secrets.js';
import type { HubDeps } from '../../types.js';
import type { SecondFactorDeps } from './service.js';

const cache = new WeakMap<HubDeps, SecondFactorDeps>();

export function secondFactorDeps(deps: HubDeps): SecondFactorDeps {
  let sf = cache.get(deps);
  if (!sf) {
    sf = {
      db: deps.db,
      box: SecretBox.fromConfig(deps.config.notify.secretKey, deps.config.dataDir),
      clock: deps.clock ?? Date.now,
    };
    cache.set(deps, sf);
  }
  return sf;
}
