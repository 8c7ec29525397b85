/**
 * The ceremony context of a hub: its database, config (the relying party) and clock.
 * @module
 */
import type { HubDeps } from '../../types.js';
import type { CeremonyDeps } from './ceremonies.js';

export const ceremonyDeps = (deps: HubDeps): CeremonyDeps => ({
  db: deps.db,
  config: deps.config,
  clock: deps.clock ?? Date.now,
});
