/**
 * A local stand-in for GitHub's OAuth and REST endpoints, speaking their documented formats
 * (docs.github.com: "Authorizing OAuth apps", "Users", "Emails", "Organizations"), with the API
 * under `/api/v3` as on GitHub Enterprise Server. The authorize page approves at once as the
 * user set in `signedIn`; the token endpoint checks the client secret, the code and the PKCE
 * verifier (S256) like GitHub does.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GithubUser = {
  id: number;
  login: string;
  name: string;
  emails: { email: string; primary: boolean; verified: boolean }[];
  orgs: string[];
};

export type GithubPeer = {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who is signed in at "GitHub" when the authorize page is opened. */
  signedIn: GithubUser;
  close: () => Promise<void>;
};

export async function startGithubPeer(signedIn: GithubUser): Promise<GithubPeer> {
  const codes = new Map<string, { user: GithubUser; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, GithubUser>();
  const peer = { clientId: 'gh-client', clientSecret: 'gh-secret-0123456789', signedIn } as GithubPeer;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://github.local');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== peer.clientId || q.get('code_challenge_method') !== 'S256')
        return json(400, { error: 'bad authorize request' });
      const code = randomBytes(10).toString('hex');
      const redirectUri = q.get('redirect_uri') ?? '';
      codes.set(code, { user: peer.signedIn, challenge: q.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      let text = '';
      for await (const chunk of req) text += chunk;
      const form = new URLSearchParams(text);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const ok =
        grant &&
        form.get('client_id') === peer.clientId &&
        form.get('client_secret') === peer.clientSecret &&
        form.get('redirect_uri') === grant.redirectUri &&
        createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
      // GitHub answers 200 with an error object for a bad code.
      if (!ok || !grant)
        return json(200, {
          error: 'bad_verification_code',
          error_description: 'The code passed is incorrect or expired.',
        });
      const token = `gho_${randomBytes(12).toString('hex')}`;
      tokens.set(token, grant.user);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email,read:org' });
    }
    const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return json(401, { message: 'Requires authentication' });
    switch (url.pathname) {
      case '/api/v3/user':
        return json(200, { id: user.id, login: user.login, name: user.name, email: null });
      case '/api/v3/user/emails':
        return json(
          200,
          user.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null })),
        );
      case '/api/v3/user/orgs':
        return json(
          200,
          user.orgs.map((login, i) => ({ login, id: 1000 + i })),
        );
      default:
        return json(404, { message: 'Not Found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}
