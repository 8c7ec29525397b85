/**
 * A real OpenID provider for tests: `oidc-provider` (the certified OP library) on a loopback
 * port, with its development login and consent pages, standing in for Authentik, Keycloak,
 * Google or GitLab. Any login name signs in (the dev login accepts any password); the account's
 * claims come from `accounts` (e-mail, groups…), so a test picks who signs in by the name typed.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export type PeerAccount = {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
};

export type OidcPeer = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Claims by login name; a name not listed gets `<name>@example.com`, verified, no groups. */
  accounts: Map<string, PeerAccount>;
  close: () => Promise<void>;
};

export async function startOidcPeer(options: { redirectUris: string[] }): Promise<OidcPeer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, PeerAccount>();
  const clientId = 'unity-hub';
  const clientSecret = 'peer-client-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['oidc-peer-cookie-key'] },
    // Explicit lifetimes (seconds) keep the library from printing a notice for each default.
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    async findAccount(_ctx, id) {
      const account = accounts.get(id) ?? {};
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            preferred_username: id,
            email: account.email ?? `${id}@example.com`,
            email_verified: account.email_verified ?? true,
            name: account.name ?? id,
            groups: account.groups ?? [],
          };
        },
      };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
