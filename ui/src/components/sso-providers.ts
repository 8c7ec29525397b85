/**
 * "Identity providers" (admins): the providers people can sign in with (generic OIDC, Google,
 * GitLab, GitHub), edited in one form; the client secret is write-only (the form only says
 * whether one is set and sends a new one when typed), providers from UNITY_SSO_PROVIDERS are
 * shown read-only, and the switch that turns password sign-in off (the hub refuses it until the
 * admin has linked a provider account, so nobody locks themselves out).
 * @module
 */
import {
  SSO_KINDS,
  type SsoKind,
  type SsoProvider,
  type SsoProviderUpdate,
  type SsoSettings,
} from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { ssoApi } from '../api/sso-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';

const KIND_TEXT: Record<SsoKind, string> = {
  oidc: 'OpenID Connect (Authentik, Keycloak, Authelia, Zitadel…)',
  google: 'Google',
  gitlab: 'GitLab',
  github: 'GitHub',
};

const ROLES = ['admin', 'editor', 'viewer'] as const;
const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export class UnitySsoProviders extends LitElement {
  static override properties = {
    items: { state: true },
    settings: { state: true },
    editing: { state: true },
    kind: { state: true },
    error: { state: true },
    notice: { state: true },
  };
  declare items: SsoProvider[] | null;
  declare settings: SsoSettings | null;
  /** The provider in the form: null when closed, 'new' for a new one, else its id. */
  declare editing: string | null;
  declare kind: SsoKind;
  declare error: string;
  declare notice: string;

  constructor() {
    super();
    this.items = null;
    this.settings = null;
    this.editing = null;
    this.kind = 'oidc';
    this.error = '';
    this.notice = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
      }
      td,
      th {
        text-align: left;
        padding: var(--u-space-1) var(--u-space-2);
        vertical-align: top;
      }
      code {
        word-break: break-all;
      }
      label.check {
        display: flex;
        flex-direction: row;
        align-items: center;
        gap: var(--u-space-2);
      }
      label.check input {
        width: auto;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const [p, s] = await Promise.all([ssoApi.providers(), ssoApi.settings()]);
    if (p.ok) this.items = p.value.items;
    else this.error = p.error.message;
    if (s.ok) this.settings = s.value;
  }

  override render() {
    return html`<h1>Identity providers</h1>
      <p class="muted">People sign in through these instead of (or besides) a password here.</p>
      ${this.notice ? html`<p role="status" data-testid="sso-admin-notice">${this.notice}</p>` : null}
      ${this.error ? html`<p class="error" role="alert" data-testid="sso-admin-error">${this.error}</p>` : null}
      ${this.#renderSettings()}
      <section class="card">
        <h2>Providers</h2>
        ${this.items === null ? html`<p class="muted">Loading…</p>` : this.#renderTable(this.items)}
        ${this.editing === null ? html`<button type="button" data-testid="sso-add" @click=${() => this.#open('new')}>Add a provider</button>` : null}
      </section>
      ${this.editing !== null ? this.#renderForm() : null}`;
  }

  #renderSettings() {
    const s = this.settings;
    if (!s) return null;
    return html`<section class="card">
      <h2>Password sign-in</h2>
      <label class="check">
        <input type="checkbox" data-testid="sso-password-signin" .checked=${s.passwordSignIn} @change=${this.#togglePassword} />
        Allow signing in with a username and password
      </label>
      ${s.breakGlass ? html`<p class="muted">UNITY_PASSWORD_SIGNIN_BREAK_GLASS is set: passwords work whatever this says.</p>` : null}
    </section>`;
  }

  #renderTable(items: SsoProvider[]) {
    if (items.length === 0) return html`<p class="muted">No identity provider yet.</p>`;
    return html`<table>
      <thead><tr><th>Name</th><th>Kind</th><th>Redirect URI to register</th><th></th></tr></thead>
      <tbody>
        ${items.map(
          (p) => html`<tr data-testid="sso-row-${p.id}">
            <td>${p.name}${p.enabled ? null : html` <span class="muted">(off)</span>`}</td>
            <td>${KIND_TEXT[p.kind]}</td>
            <td><code>${p.redirectUri}</code></td>
            <td>
              ${
                p.fromEnv
                  ? html`<span class="muted">from UNITY_SSO_PROVIDERS</span>`
                  : html`<button type="button" @click=${() => this.#open(p.id)}>Edit</button>
                      <button type="button" data-testid="sso-remove-${p.id}" @click=${() => this.#remove(p)}>Remove</button>`
              }
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #current(): SsoProvider | undefined {
    return this.items?.find((p) => p.id === this.editing);
  }

  #open(id: string) {
    this.editing = id;
    this.kind = this.items?.find((p) => p.id === id)?.kind ?? 'oidc';
    this.error = '';
    this.notice = '';
  }

  #renderForm() {
    const p = this.#current();
    const isNew = this.editing === 'new';
    const issuerLabel =
      this.kind === 'oidc'
        ? 'Issuer URL'
        : this.kind === 'google'
          ? ''
          : 'Base URL (self-hosted; empty for the public service)';
    return html`<section class="card">
      <h2>${isNew ? 'New identity provider' : `Edit ${p?.name ?? ''}`}</h2>
      <form class="stack" data-testid="sso-form" @submit=${this.#save}>
        <label>Kind
          <select name="kind" @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as SsoKind)}>
            ${SSO_KINDS.map((k) => html`<option value=${k} ?selected=${k === this.kind}>${KIND_TEXT[k]}</option>`)}
          </select>
        </label>
        ${isNew ? html`<label>Id (in the redirect URI; lower-case letters, digits, dashes) <input name="id" required pattern="[a-z0-9][a-z0-9\\-]{0,39}" /></label>` : null}
        <label>Name on the sign-in button <input name="name" required maxlength="80" .value=${p?.name ?? ''} /></label>
        ${issuerLabel ? html`<label>${issuerLabel} <input name="issuer" type="url" .value=${p?.issuer ?? ''} ?required=${this.kind === 'oidc'} /></label>` : null}
        <label>Client ID <input name="clientId" required .value=${p?.clientId ?? ''} /></label>
        <label>Client secret
          <input name="clientSecret" type="password" autocomplete="new-password"
            placeholder=${p?.hasClientSecret ? 'set — leave empty to keep it' : 'not set'} />
        </label>
        <label>Scopes (empty: the usual ones) <input name="scopes" .value=${p?.scopes ?? ''} /></label>
        <label class="check"><input type="checkbox" name="enabled" ?checked=${p?.enabled ?? true} /> Enabled</label>
        <label class="check"><input type="checkbox" name="autoProvision" ?checked=${p?.autoProvision ?? false} /> Create accounts for new people (auto-provisioning)</label>
        <label>Allowed e-mail domains (comma-separated; empty: any) <input name="allowedDomains" .value=${p?.allowedDomains.join(', ') ?? ''} /></label>
        ${this.kind === 'github' ? html`<label>Allowed GitHub organisations (comma-separated; empty: any) <input name="allowedOrgs" .value=${p?.allowedOrgs.join(', ') ?? ''} /></label>` : null}
        <label>Role claim (empty: ${this.kind === 'github' ? 'orgs' : 'groups'}) <input name="roleClaim" .value=${p?.roleClaim ?? ''} /></label>
        <label>Role rules, one per line: <code>group=role</code> (admin, editor or viewer)
          <textarea name="roleMapping" rows="3">${p?.roleMapping.map((r) => `${r.value}=${r.role}`).join('\n') ?? ''}</textarea>
        </label>
        <label>Role of a new account no rule matches
          <select name="defaultRole">
            <option value="" ?selected=${p?.defaultRole === null}>none</option>
            ${ROLES.map((r) => html`<option value=${r} ?selected=${(p?.defaultRole ?? 'viewer') === r}>${r}</option>`)}
          </select>
        </label>
        <div class="row">
          <button type="submit" data-testid="sso-save">Save</button>
          <button type="button" @click=${() => (this.editing = null)}>Cancel</button>
        </div>
      </form>
    </section>`;
  }

  async #save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const rules = text('roleMapping')
      .split('\n')
      .map((line) => line.split('='))
      .filter(([v, r]) => v?.trim() && r?.trim())
      .map(([v, r]) => ({ value: (v ?? '').trim(), role: (r ?? '').trim() as (typeof ROLES)[number] }));
    const body: SsoProviderUpdate = {
      kind: this.kind,
      name: text('name'),
      issuer: text('issuer'),
      clientId: text('clientId'),
      scopes: text('scopes'),
      enabled: f.get('enabled') === 'on',
      autoProvision: f.get('autoProvision') === 'on',
      allowedDomains: list(text('allowedDomains')),
      allowedOrgs: list(text('allowedOrgs')),
      roleClaim: text('roleClaim'),
      roleMapping: rules,
      defaultRole: (text('defaultRole') || null) as SsoProviderUpdate['defaultRole'],
      ...(text('clientSecret') ? { clientSecret: text('clientSecret') } : {}),
    };
    const r =
      this.editing === 'new'
        ? await ssoApi.create({ ...body, id: text('id') })
        : await ssoApi.update(this.editing ?? '', body);
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.editing = null;
    this.error = '';
    this.notice = `Saved ${r.value.name}. Register ${r.value.redirectUri} as its redirect URI.`;
    await this.#load();
  }

  async #remove(p: SsoProvider): Promise<void> {
    if (!confirm(`Remove ${p.name}? Accounts linked to it can no longer sign in through it.`)) return;
    const r = await ssoApi.remove(p.id);
    if (!r.ok) this.error = r.error.message;
    else await this.#load();
  }

  #togglePassword = async (e: Event) => {
    const box = e.target as HTMLInputElement;
    const r = await ssoApi.setSettings(box.checked);
    if (!r.ok) {
      box.checked = !box.checked;
      this.error = r.error.message;
      return;
    }
    this.error = '';
    this.settings = r.value;
    this.notice = r.value.passwordSignIn ? 'Password sign-in is on.' : 'Password sign-in is off.';
  };
}

customElements.define('unity-sso-providers', UnitySsoProviders);

declare global {
  interface HTMLElementTagNameMap {
    'unity-sso-providers': UnitySsoProviders;
  }
}
