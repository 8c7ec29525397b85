/**
 * A minimal browser for redirect flows in tests: fetch with redirects followed by hand and a
 * cookie jar per host:port, plus a driver that walks an OpenID provider's login and consent
 * forms (oidc-provider's development pages) until the provider redirects back.
 * @module
 */

export class RedirectAgent {
  readonly jar = new Map<string, Map<string, string>>();

  async request(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = this.jar.get(u.host);
    if (cookies?.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(u, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      const hostJar = this.jar.get(u.host) ?? new Map<string, string>();
      if (gone) hostJar.delete(name);
      else hostJar.set(name, value);
      this.jar.set(u.host, hostJar);
    }
    return res;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /** The `name=value` Cookie header this agent sends to `origin`. */
  cookieHeader(origin: string): string {
    const cookies = this.jar.get(new URL(origin).host);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }
}

const location = (res: Response, base: URL): URL => {
  const to = res.headers.get('location');
  if (!to) throw new Error(`expected a redirect from ${base.href}, got ${res.status}`);
  return new URL(to, base);
};

/**
 * Walks from the provider's authorization URL through its pages (login with `login`, then
 * consent) and returns the redirect back to `callbackOrigin`, before requesting it, so a test
 * can tamper with it.
 */
export async function throughProvider(
  agent: RedirectAgent,
  start: URL,
  login: string,
  callbackOrigin: string,
): Promise<URL> {
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === callbackOrigin) return url;
    const res = await agent.request(url);
    if (res.status >= 300 && res.status < 400) {
      url = location(res, url);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt)
      throw new Error(`unexpected page at ${url.href} (${res.status}): ${html.slice(0, 300)}`);
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      form.set('login', login);
      form.set('password', 'any password');
    }
    const posted = await agent.request(new URL(action.replaceAll('&amp;', '&'), url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    url = location(posted, url);
  }
  throw new Error('too many hops at the provider');
}

export { location as redirectTarget };
