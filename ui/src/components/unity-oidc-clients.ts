/**
 * Apps that sign in with Unity (Unity as an OpenID Connect provider), for admins: the
 * registered clients with their redirect URIs and scopes, a form to register one (a
 * confidential client's secret is shown once), and delete. The issuer and discovery URL an
 * app needs are shown on top.
 * @module
 */
import { OIDC_SCOPES, type OidcClient } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { oidcClientsApi } from '../api/oidc-clients-client.js';
import { copyText, identityStyles, onceSecret } from './identity-shared.js';
import type { UnityConfirm } from './unity-confirm.js';
import './unity-confirm.js';
import { base, controls, surfaces } from './styles.js';

const lines = (text: string): string[] =>
  text
    .split(/\s+/)
    .map((s) => s.trim())
    .filter(Boolean);

export class UnityOidcClients extends LitElement {
  static override properties = {
    clients: { state: true },
    created: { state: true },
    copied: { state: true },
    error: { state: true },
  };
  declare clients: OidcClient[];
  declare created: { id: string; secret: string | null } | undefined;
  declare copied: boolean;
  declare error: string;

  constructor() {
    super();
    this.clients = [];
    this.created = undefined;
    this.copied = false;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    identityStyles,
    css`
      .scopes {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-2) var(--u-space-4);
        border: none;
        padding: 0;
        margin: 0;
      }
      .scopes legend {
        font-weight: 600;
        margin-bottom: var(--u-space-1);
      }
      .scopes label {
        display: inline-flex;
        flex-direction: row;
        align-items: center;
        gap: var(--u-space-1);
        font-weight: normal;
      }
      .scopes input {
        width: auto;
        margin: 0;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const res = await oidcClientsApi.list();
    if (res.ok) this.clients = res.value;
    else this.error = res.error.message;
  }

  override render() {
    const issuer = location.origin;
    return html`<h1>Sign in with Unity</h1>
      <p class="muted">
        Apps registered here sign their users in with their Unity account (OpenID Connect). Issuer
        <span class="mono" data-testid="oidc-issuer">${issuer}</span>, discovery at
        <span class="mono">${issuer}/.well-known/openid-configuration</span>.
      </p>
      ${
        this.created
          ? html`<p data-testid="oidc-created-id">Client ID: <code>${this.created.id}</code></p>
              ${
                this.created.secret
                  ? onceSecret('The client secret', this.created.secret, this.copied, async () => {
                      this.copied = await copyText(this.created?.secret ?? '');
                    })
                  : html`<p class="muted">A public client has no secret: it must use PKCE.</p>`
              }`
          : null
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <section class="card">
        <h2>Register an app</h2>
        <form class="stack" @submit=${this.#create} data-testid="oidc-client-form">
          <label>Name <input name="name" required maxlength="100" /></label>
          <label
            >Redirect URIs <textarea name="redirectUris" required rows="2"></textarea>
            <span class="hint">One per line, exactly as the app sends them.</span></label
          >
          <label
            >Post-logout redirect URIs <textarea name="postLogoutRedirectUris" rows="2"></textarea>
            <span class="hint">Optional; where the app may send users after signing out.</span></label
          >
          <label
            >Type
            <select name="kind">
              <option value="confidential">Confidential (a server-side app with a secret)</option>
              <option value="public">Public (a browser or mobile app, PKCE only)</option>
            </select>
          </label>
          <fieldset class="scopes">
            <legend>Allowed scopes</legend>
            ${OIDC_SCOPES.map(
              (s) => html`<label
                ><input type="checkbox" name="scope" value=${s} ?checked=${s !== 'offline_access'} ?disabled=${s === 'openid'} />
                ${s}</label
              >`,
            )}
          </fieldset>
          <button type="submit">Register</button>
        </form>
      </section>
      <section>
        <table>
          <thead>
            <tr><th>Name</th><th>Client ID</th><th>Type</th><th>Redirect URIs</th><th>Scopes</th><th></th></tr>
          </thead>
          <tbody>
            ${this.clients.map(
              (c) => html`<tr data-testid="oidc-client-row">
                <td>${c.name}</td>
                <td class="mono">${c.id}</td>
                <td>${c.kind}</td>
                <td>${c.redirectUris.map((u) => html`<div class="mono">${u}</div>`)}</td>
                <td>${c.scopes.map((s) => html`<span class="tag">${s}</span>`)}</td>
                <td><button class="secondary" @click=${() => this.#delete(c)}>Delete</button></td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${this.clients.length === 0 ? html`<p class="muted">No apps yet.</p>` : null}
      </section>
      <unity-confirm></unity-confirm>`;
  }

  async #create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const scopes = data.getAll('scope').map(String) as OidcClient['scopes'];
    const res = await oidcClientsApi.create({
      name: String(data.get('name') ?? '').trim(),
      kind: data.get('kind') === 'public' ? 'public' : 'confidential',
      redirectUris: lines(String(data.get('redirectUris') ?? '')),
      postLogoutRedirectUris: lines(String(data.get('postLogoutRedirectUris') ?? '')),
      scopes: ['openid', ...scopes] as never,
    });
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.created = { id: res.value.id, secret: res.value.secret };
    this.copied = false;
    form.reset();
    await this.#load();
  }

  async #delete(client: OidcClient): Promise<void> {
    const dialog = this.renderRoot.querySelector<UnityConfirm>('unity-confirm');
    if (!(await dialog?.ask(`Delete ${client.name}?`, 'It can no longer sign anyone in.'))) return;
    const res = await oidcClientsApi.remove(client.id);
    if (!res.ok) this.error = res.error.message;
    await this.#load();
  }
}

customElements.define('unity-oidc-clients', UnityOidcClients);

declare global {
  interface HTMLElementTagNameMap {
    'unity-oidc-clients': UnityOidcClients;
  }
}
