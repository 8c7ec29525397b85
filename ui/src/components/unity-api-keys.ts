/**
 * My API keys: a list with prefix, permissions, expiry, last use and use count; a form to make
 * one from a subset of my own permissions; the new key shown once with a copy button.
 * @module
 */
import type { ApiKey, Permission } from '@unity/shared';
import { html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { identityApi } from '../api/identity-client.js';
import { formatRelative, formatUntil } from '../format.js';
import {
  checkedPermissions,
  copyText,
  identityStyles,
  onceSecret,
  permissionGrid,
} from './identity-shared.js';
import { base, controls, surfaces } from './styles.js';

export class UnityApiKeys extends LitElement {
  static override properties = {
    keys: { state: true },
    mine: { state: true },
    created: { state: true },
    copied: { state: true },
    error: { state: true },
  };
  declare keys: ApiKey[];
  declare mine: Set<Permission> | undefined;
  declare created: string;
  declare copied: boolean;
  declare error: string;

  constructor() {
    super();
    this.keys = [];
    this.mine = undefined;
    this.created = '';
    this.copied = false;
    this.error = '';
  }

  static override styles = [base, controls, surfaces, identityStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const [keys, me] = await Promise.all([identityApi.apiKeys(), api.me()]);
    if (keys.ok) this.keys = keys.value;
    else this.error = keys.error.message;
    if (me.ok) this.mine = new Set(me.value.permissions ?? []);
  }

  override render() {
    return html`<h1>API keys</h1>
      <p class="muted">Send a key as <span class="mono">Authorization: Bearer …</span>. A key can do only what you choose here, and never more than you can.</p>
      ${
        this.created
          ? onceSecret('Your new API key', this.created, this.copied, async () => {
              this.copied = await copyText(this.created);
            })
          : null
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <section class="card">
        <h2>New key</h2>
        <form class="stack" @submit=${this.#create}>
          <label>Name <input name="name" required maxlength="64" /></label>
          <label
            >Expires after (days)
            <input name="days" type="number" min="1" max="3650" value="90" />
            <span class="hint">Leave empty for a key that does not expire.</span>
          </label>
          ${permissionGrid(this.mine)}
          <button type="submit">Create key</button>
        </form>
      </section>
      <section>
        <table>
          <thead>
            <tr><th>Name</th><th>Key</th><th>Permissions</th><th>Expires</th><th>Last used</th><th>Uses</th><th></th></tr>
          </thead>
          <tbody>
            ${this.keys.map(
              (k) => html`<tr data-testid="api-key-row">
                <td>${k.name}</td>
                <td class="mono">${k.prefix}…</td>
                <td>${k.permissions.map((p) => html`<span class="tag">${p}</span>`)}</td>
                <td>${k.expiresAt ? formatUntil(k.expiresAt) : 'never'}</td>
                <td>${k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'never'}</td>
                <td>${k.useCount}</td>
                <td><button class="secondary" @click=${() => this.#delete(k)}>Revoke</button></td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${this.keys.length === 0 ? html`<p class="muted">No keys yet.</p>` : null}
      </section>`;
  }

  async #create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const days = String(data.get('days') ?? '').trim();
    const res = await identityApi.createApiKey({
      name: String(data.get('name') ?? '').trim(),
      permissions: checkedPermissions(form),
      expiresInDays: days ? Number(days) : null,
    });
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.created = res.value.key;
    this.copied = false;
    form.reset();
    await this.#load();
  }

  async #delete(key: ApiKey): Promise<void> {
    const res = await identityApi.deleteApiKey(key.id);
    if (!res.ok) this.error = res.error.message;
    await this.#load();
  }
}

customElements.define('unity-api-keys', UnityApiKeys);

declare global {
  interface HTMLElementTagNameMap {
    'unity-api-keys': UnityApiKeys;
  }
}
