/**
 * One SSO context per hub: the SecretBox (the hub's secret key, shared with the second factor)
 * and the protocol clients, kept per provider until its settings change, so discovery and the
 * provider's keys are fetched once rather than at every sign-in.
 * @module
 */
import type { HubDeps } from '../../types.js';
import { secondFactorDeps } from '../second-factor/context.js';
import { githubClient } from './github-client.js';
import { oidcClient } from './oidc-client.js';
import { clientSecretOf, type ProviderRecord } from './store.js';
import type { ProtocolClient } from './types.js';

export type SsoContext = {
  box: ReturnType<typeof secondFactorDeps>['box'];
  clock: () => number;
  clientFor: (p: ProviderRecord) => ProtocolClient;
};

const cache = new WeakMap<HubDeps, SsoContext>();

export function ssoContext(deps: HubDeps): SsoContext {
  let ctx = cache.get(deps);
  if (!ctx) {
    const { box, clock } = secondFactorDeps(deps);
    const clients = new Map<string, { fingerprint: string; client: ProtocolClient }>();
    ctx = {
      box,
      clock,
      clientFor(p) {
        const fingerprint = JSON.stringify(p);
        const known = clients.get(p.id);
        if (known?.fingerprint === fingerprint) return known.client;
        const client = protocolClient(p, clientSecretOf(box, p));
        clients.set(p.id, { fingerprint, client });
        return client;
      },
    };
    cache.set(deps, ctx);
  }
  return ctx;
}

function protocolClient(p: ProviderRecord, secret: string): ProtocolClient {
  switch (p.kind) {
    case 'oidc':
    case 'google':
    case 'gitlab':
      return oidcClient(p, secret);
    case 'github':
      return githubClient(p, secret);
    default:
      return assertNever(p.kind);
  }
}

function assertNever(x: never): never {
  throw new Error(`unknown provider kind ${String(x)}`);
}
