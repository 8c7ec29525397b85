/**
 * The passkeys section of "My account": my passkeys with when each was added and last used, a
 * new one added under a name (the browser asks the authenticator), renamed in place, deleted
 * after giving the current password or a code (the hub insists on a fresh proof).
 * @module
 */
import type { Passkey } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { passkeyApi } from '../api/passkey-client.js';
import { identityStyles } from './identity-shared.js';
import { passkeysSupported, registerPasskey } from './passkey-ceremony.js';
import { base, controls, surfaces } from './styles.js';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

export class UnityPasskeys extends LitElement {
  static override properties = {
    items: { state: true },
    editing: { state: true },
    deleting: { state: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare items: Passkey[];
  /** The passkey being renamed, or being deleted (asking for the proof). */
  declare editing: string;
  declare deleting: string;
  declare message: string;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.items = [];
    this.editing = '';
    this.deleting = '';
    this.message = '';
    this.error = '';
    this.busy = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    identityStyles,
    css`
      ul.keys {
        list-style: none;
        padding: 0;
        display: grid;
        gap: var(--u-space-3);
      }
      ul.keys li {
        display: grid;
        gap: var(--u-space-2);
      }
      .row {
        display: flex;
        gap: var(--u-space-2);
        flex-wrap: wrap;
        align-items: end;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const res = await passkeyApi.list();
    if (res.ok) this.items = res.value.items;
    else this.error = res.error.message;
  }

  #changed(): void {
    this.dispatchEvent(new CustomEvent('second-factor-changed', { bubbles: true, composed: true }));
  }

  override render() {
    return html`<section class="card" data-testid="passkeys">
      <h2>Passkeys</h2>
      <p class="muted">
        A passkey signs you in without a password (fingerprint, face or device PIN), and counts as your
        second factor after a password.
      </p>
      ${this.message ? html`<p role="status" data-testid="passkey-message">${this.message}</p>` : null}
      ${this.error ? html`<p class="error" role="alert" data-testid="passkey-error">${this.error}</p>` : null}
      <ul class="keys" data-testid="passkey-list">
        ${this.items.map((p) => this.#renderItem(p))}
      </ul>
      ${
        passkeysSupported()
          ? html`<form class="row" @submit=${this.#add}>
            <label>Name <input name="name" data-testid="passkey-name" maxlength="64" placeholder="e.g. Laptop" required /></label>
            <button type="submit" data-testid="passkey-add" ?disabled=${this.busy}>Add a passkey</button>
          </form>`
          : html`<p class="muted">This browser cannot use passkeys.</p>`
      }
    </section>`;
  }

  #renderItem(p: Passkey) {
    return html`<li data-testid="passkey-item" data-name=${p.name}>
      <div>
        <strong data-testid="passkey-item-name">${p.name}</strong>${p.backedUp ? ' (synced)' : ''}
        <span class="muted">added ${when(p.createdAt)}, last used ${when(p.lastUsedAt)}</span>
      </div>
      ${
        this.editing === p.id
          ? html`<form class="row" @submit=${(e: SubmitEvent) => this.#rename(e, p.id)}>
            <label>New name <input name="name" .value=${p.name} maxlength="64" required /></label>
            <button type="submit">Save</button>
            <button type="button" @click=${() => (this.editing = '')}>Cancel</button>
          </form>`
          : this.deleting === p.id
            ? html`<form class="row" @submit=${(e: SubmitEvent) => this.#remove(e, p.id)}>
              <label>Current password <input name="password" type="password" autocomplete="current-password" /></label>
              <label>Or a code <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="24" /></label>
              <button type="submit" class="danger" data-testid="passkey-delete-confirm">Delete</button>
              <button type="button" @click=${() => (this.deleting = '')}>Cancel</button>
            </form>`
            : html`<div class="row">
              <button type="button" @click=${() => (this.editing = p.id)}>Rename</button>
              <button type="button" class="danger" data-testid="passkey-delete" @click=${() => (this.deleting = p.id)}>
                Delete
              </button>
            </div>`
      }
    </li>`;
  }

  async #add(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) {
      this.error = 'Give the passkey a name.';
      return;
    }
    this.busy = true;
    const res = await registerPasskey(name);
    this.busy = false;
    if (!res.ok) {
      this.error = res.message.replace(/^invalid body: response: /, '');
      return;
    }
    this.error = '';
    this.message = `Passkey "${res.value.name}" added.`;
    form.reset();
    await this.#load();
    this.#changed();
  }

  async #rename(e: SubmitEvent, id: string): Promise<void> {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get('name') ?? '').trim();
    const res = await passkeyApi.rename(id, name);
    this.error = res.ok ? '' : res.error.message;
    if (!res.ok) return;
    this.editing = '';
    this.message = 'Passkey renamed.';
    await this.#load();
  }

  async #remove(e: SubmitEvent, id: string): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(data.get('password') ?? '');
    const code = String(data.get('code') ?? '').trim();
    if (!password && !code) {
      this.error = 'Give your current password or a code.';
      return;
    }
    const res = await passkeyApi.remove(id, code ? { code } : { password });
    this.error = res.ok ? '' : res.error.message.replace(/^invalid body: /, '');
    if (!res.ok) return;
    this.deleting = '';
    this.message = 'Passkey deleted.';
    await this.#load();
    this.#changed();
  }
}

customElements.define('unity-passkeys', UnityPasskeys);

declare global {
  interface HTMLElementTagNameMap {
    'unity-passkeys': UnityPasskeys;
  }
}
