/**
 * "LDAP" (admins): the directory that password sign-in also checks — URL and transport security
 * (plain, StartTLS, LDAPS, an optional CA), the service account (its password write-only: the
 * field stays empty and only says whether one is stored), where users and groups are searched,
 * attribute mapping, group → role mappings and the sync interval. "Test connection" runs the
 * form's current values against the directory and shows what it found, step by step.
 * @module
 */
import type { LdapSecurity, LdapSettingsUpdate, LdapSettingsView, LdapTestResult } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { ldapApi } from '../api/ldap-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';

type Mapping = { groupDn: string; role: string };

const TEXT_FIELDS = [
  ['url', 'URL', 'ldap://ldap.example.org:389'],
  ['bindDn', 'Service account (bind DN)', 'cn=unity,dc=example,dc=org'],
  ['userBase', 'User search base', 'ou=people,dc=example,dc=org'],
  ['userFilter', 'User filter', '(&(objectClass=inetOrgPerson)(uid={username}))'],
  ['groupBase', 'Group search base', 'ou=groups,dc=example,dc=org'],
  ['groupFilter', 'Extra group filter (optional)', '(cn=unity-*)'],
  ['usernameAttribute', 'Username attribute', 'uid or sAMAccountName'],
  ['emailAttribute', 'E-mail attribute', 'mail'],
  ['displayNameAttribute', 'Display name attribute', 'displayName'],
] as const;

export class LdapSettingsPage extends LitElement {
  static override properties = {
    view: { state: true },
    mappings: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
    tested: { state: true },
  };
  declare view: LdapSettingsView | null;
  declare mappings: Mapping[];
  declare error: string;
  declare notice: string;
  declare busy: boolean;
  declare tested: LdapTestResult | null;

  constructor() {
    super();
    this.view = null;
    this.mappings = [];
    this.error = '';
    this.notice = '';
    this.busy = false;
    this.tested = null;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      label {
        display: grid;
        gap: var(--u-space-1);
      }
      .check {
        display: flex;
        gap: var(--u-space-2);
        align-items: center;
      }
      .row {
        display: flex;
        gap: var(--u-space-3);
        flex-wrap: wrap;
        align-items: end;
      }
      .mapping input[name='groupDn'] {
        min-width: min(100%, 28rem);
      }
      textarea {
        font-family: var(--u-font-mono);
        min-height: 5rem;
      }
      .ok {
        color: var(--u-ok, inherit);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const res = await ldapApi.settings();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.view = res.value;
    this.mappings = res.value.mappings.map((m) => ({ ...m }));
  }

  /** The form's values as the API takes them; the password only when typed. */
  #collect(): LdapSettingsUpdate | undefined {
    const form = this.renderRoot.querySelector<HTMLFormElement>('form[data-testid="ldap-form"]');
    if (!form || !this.view) return undefined;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const password = String(data.get('bindPassword') ?? '');
    return {
      enabled: data.get('enabled') === 'on',
      url: text('url'),
      security: text('security') as LdapSecurity,
      caCertificate: text('caCertificate'),
      verifyCertificate: data.get('verifyCertificate') === 'on',
      bindDn: text('bindDn'),
      userBase: text('userBase'),
      userFilter: text('userFilter'),
      groupBase: text('groupBase'),
      groupFilter: text('groupFilter'),
      usernameAttribute: text('usernameAttribute'),
      emailAttribute: text('emailAttribute'),
      displayNameAttribute: text('displayNameAttribute'),
      autoProvision: data.get('autoProvision') === 'on',
      mappings: this.mappings.filter((m) => m.groupDn.trim() && m.role.trim()),
      syncIntervalSeconds: Number(text('syncIntervalSeconds')) * 60,
      timeoutMs: Number(text('timeoutSeconds')) * 1000,
      ...(password ? { bindPassword: password } : {}),
    };
  }

  async #save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const settings = this.#collect();
    if (!settings) return;
    this.busy = true;
    const res = await ldapApi.save(settings);
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      this.notice = '';
      return;
    }
    this.error = '';
    this.notice = 'Saved. Sign-in uses these settings from now on.';
    this.view = res.value;
    const password = this.renderRoot.querySelector<HTMLInputElement>('input[name="bindPassword"]');
    if (password) password.value = '';
  }

  async #test(): Promise<void> {
    const settings = this.#collect();
    if (!settings) return;
    const username = this.renderRoot.querySelector<HTMLInputElement>('input[name="testUser"]')?.value.trim();
    this.busy = true;
    const res = await ldapApi.test(settings, username || undefined);
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      this.tested = null;
      return;
    }
    this.error = '';
    this.tested = res.value;
  }

  async #sync(): Promise<void> {
    this.busy = true;
    const res = await ldapApi.sync();
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.notice = res.value.error
      ? `Sync failed: ${res.value.error}`
      : `Synced ${res.value.users} user(s); ${res.value.revoked} lost access.`;
  }

  #setMapping(index: number, field: keyof Mapping, value: string): void {
    this.mappings = this.mappings.map((m, i) => (i === index ? { ...m, [field]: value } : m));
  }

  #testResult() {
    const t = this.tested;
    if (!t) return null;
    return html`<div role="status" data-testid="ldap-test-result" class=${t.ok ? 'ok' : 'error'}>
      <p><strong>${t.ok ? 'Connection works' : `Failed at the ${t.step} step`}</strong>: ${t.message}</p>
      ${
        t.user
          ? html`<p>
              ${t.user.username} (${t.user.displayName || 'no display name'}, ${t.user.email || 'no e-mail'}):
              groups ${t.user.groups.join('; ') || 'none'}; roles ${t.user.roles.join(', ') || 'none'}
            </p>`
          : null
      }
    </div>`;
  }

  override render() {
    const v = this.view;
    if (!v)
      return html`<h1>LDAP</h1>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p class="muted">Loading…</p>`}`;
    return html`<h1>LDAP / Active Directory</h1>
      <p class="muted">
        Password sign-in also checks this directory: users are found with the service account, then bound with their own
        password. Their groups decide their role at every sign-in and at every sync; a user in no mapped group loses
        access and their sessions end.
        ${v.lastSync ? html`Last sync ${v.lastSync.at}: ${v.lastSync.error ?? `${v.lastSync.users} user(s), ${v.lastSync.revoked} lost access`}.` : null}
      </p>
      ${this.error ? html`<p class="error" role="alert" data-testid="ldap-error">${this.error}</p>` : null}
      ${this.notice ? html`<p role="status" data-testid="ldap-notice">${this.notice}</p>` : null}
      <form class="card form" data-testid="ldap-form" @submit=${(e: SubmitEvent) => void this.#save(e)}>
        <label class="check"><input type="checkbox" name="enabled" ?checked=${v.enabled} /> Sign-in through LDAP on</label>
        <div class="grid">
          ${TEXT_FIELDS.map(
            ([name, label, placeholder]) =>
              html`<label>${label}<input name=${name} .value=${String(v[name])} placeholder=${placeholder} /></label>`,
          )}
          <label
            >Security
            <select name="security">
              ${(['starttls', 'ldaps', 'plain'] as const).map(
                (s) =>
                  html`<option value=${s} ?selected=${v.security === s}>${s === 'plain' ? 'none (plain LDAP)' : s === 'starttls' ? 'StartTLS' : 'LDAPS'}</option>`,
              )}
            </select></label
          >
          <label
            >Service account password
            <input
              name="bindPassword"
              type="password"
              autocomplete="new-password"
              placeholder=${v.bindPasswordSet ? 'stored (leave empty to keep it)' : 'not set'}
          /></label>
          <label>Sync every (minutes)<input name="syncIntervalSeconds" type="number" min="1" .value=${String(Math.max(1, Math.round(v.syncIntervalSeconds / 60)))} /></label>
          <label>Timeout (seconds)<input name="timeoutSeconds" type="number" min="1" max="60" .value=${String(Math.round(v.timeoutMs / 1000))} /></label>
        </div>
        <label
          >CA certificate (PEM, optional)
          <textarea name="caCertificate" .value=${v.caCertificate} placeholder="-----BEGIN CERTIFICATE-----"></textarea>
        </label>
        <label class="check"><input type="checkbox" name="verifyCertificate" ?checked=${v.verifyCertificate} /> Verify the server's certificate</label>
        <label class="check"><input type="checkbox" name="autoProvision" ?checked=${v.autoProvision} /> Create accounts at first sign-in</label>
        <fieldset>
          <legend>Group → role</legend>
          ${this.mappings.map(
            (m, i) =>
              html`<div class="row mapping" data-testid="ldap-mapping">
                <label>Group DN<input name="groupDn" .value=${m.groupDn} @input=${(e: Event) => this.#setMapping(i, 'groupDn', (e.target as HTMLInputElement).value)} /></label>
                <label>Role (admin, editor, viewer or a custom role's id)<input name="role" .value=${m.role} @input=${(e: Event) => this.#setMapping(i, 'role', (e.target as HTMLInputElement).value)} /></label>
                <button type="button" class="secondary" @click=${() => {
                  this.mappings = this.mappings.filter((_, j) => j !== i);
                }}>Remove</button>
              </div>`,
          )}
          <div>
            <button type="button" class="secondary" data-testid="ldap-add-mapping" @click=${() => {
              this.mappings = [...this.mappings, { groupDn: '', role: 'viewer' }];
            }}>Add a mapping</button>
          </div>
        </fieldset>
        <div class="row">
          <button type="submit" data-testid="ldap-save" ?disabled=${this.busy}>Save</button>
          <label>Look up a user (optional)<input name="testUser" placeholder="alice" /></label>
          <button type="button" class="secondary" data-testid="ldap-test" ?disabled=${this.busy} @click=${() => void this.#test()}>
            Test connection
          </button>
          <button type="button" class="secondary" data-testid="ldap-sync" ?disabled=${this.busy || !v.enabled} @click=${() => void this.#sync()}>
            Sync now
          </button>
        </div>
        ${this.#testResult()}
      </form>`;
  }
}

customElements.define('unity-ldap-settings', LdapSettingsPage);
