/**
 * The few server-rendered pages of the provider (consent, sign-out confirmation, errors): small
 * HTML in the look of the Unity UI, with a content security policy that allows only their own
 * inline stylesheet (by hash) and forms that may end at a relying party's redirect URI.
 * @module
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1c2430;--muted:#5b6675;--accent:#2f6fde;--line:#d9dee5}
@media (prefers-color-scheme:dark){:root{--bg:#10141a;--card:#1a2029;--fg:#e6e9ee;--muted:#9aa4b2;--accent:#6b9cf0;--line:#2c3440}}
body{margin:0;font:15px/1.5 system-ui,sans-serif;background:var(--bg);color:var(--fg);display:grid;place-items:center;min-height:100vh}
main{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:24px 28px;max-width:420px;width:calc(100% - 40px)}
h1{font-size:1.25rem;margin:0 0 12px}p{margin:8px 0;color:var(--muted)}ul{margin:8px 0 16px;padding-left:20px}
.actions{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}
button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid var(--line);background:transparent;color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** The CSP of these pages: forms may post here and be redirected on to a relying party. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self' http: https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · Unity</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (your Unity user id)',
  profile: 'Your name and user name',
  email: 'Your email address',
  groups: 'Your Unity groups and role',
  offline_access: 'Stay signed in (refresh tokens)',
};

export function consentPage(o: {
  uid: string;
  clientName: string;
  username: string;
  scopes: string[];
}): string {
  const uid = encodeURIComponent(o.uid);
  const items = o.scopes
    .map((s) => `<li data-scope="${escapeHtml(s)}">${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`)
    .join('');
  return page(
    'Allow access',
    `<h1>Allow ${escapeHtml(o.clientName)} to use your Unity account?</h1>
<p>Signed in as <strong>${escapeHtml(o.username)}</strong>. <span id="client-name">${escapeHtml(o.clientName)}</span> asks for:</p>
<ul id="scopes">${items}</ul>
<div class="actions">
<form method="post" action="/oidc/interaction/${uid}/abort"><button type="submit" id="deny">Deny</button></form>
<form method="post" action="/oidc/interaction/${uid}/confirm"><button type="submit" class="primary" id="allow">Allow</button></form>
</div>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to Unity</a></p>`,
  );
}

/**
 * oidc-provider's sign-out confirmation: `form` is its hidden form (with the xsrf token).
 * "Sign out of Unity" (logout=yes) ends the provider session and the Unity session; the other
 * button signs out of this app only.
 */
export function logoutPage(form: string, clientName: string | undefined): string {
  const app = clientName ? escapeHtml(clientName) : 'the application';
  return page(
    'Sign out',
    `<h1>Sign out of Unity too?</h1><p>You are signing out of ${app}.</p>${form}
<div class="actions"><button type="submit" form="op.logoutForm" id="logout-app">Only ${app}</button>
<button type="submit" class="primary" id="logout" form="op.logoutForm" value="yes" name="logout">Sign out of Unity</button></div>`,
  );
}
