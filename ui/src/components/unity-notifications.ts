/**
 * The notification settings page (`/settings/notifications`): the channels (name, type,
 * enabled, rate limit, settings with secrets masked as the hub shows them) with create, edit,
 * delete and **Send test** (the delivery's result or error shown on the row), the contact
 * points, and the recent delivery log. Everyone reads; the write buttons are for admins only.
 * @module
 */
import type { Channel, Me } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { type ChannelTypeInfo, notifyApi } from '../api/notify-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-channel-form.js';
import type { UnityConfirm } from './unity-confirm.js';
import './unity-confirm.js';
import type { UnityContactPoints } from './unity-contact-points.js';
import './unity-contact-points.js';
import type { UnityDeliveryLog } from './unity-delivery-log.js';
import './unity-delivery-log.js';

type TestOutcome = { ok: boolean; text: string };

export class UnityNotifications extends LitElement {
  static override properties = {
    me: { state: true },
    types: { state: true },
    channels: { state: true },
    editing: { state: true },
    testing: { state: true },
    outcomes: { state: true },
    error: { state: true },
  };
  declare me: Me | null;
  declare types: ChannelTypeInfo[];
  declare channels: Channel[] | null;
  /** The channel in the form: 'new', one being edited, or null. */
  declare editing: Channel | 'new' | null;
  /** The channel whose test is in flight. */
  declare testing: string | null;
  /** The last test's outcome per channel id. */
  declare outcomes: ReadonlyMap<string, TestOutcome>;
  declare error: string;

  constructor() {
    super();
    this.me = null;
    this.types = [];
    this.channels = null;
    this.editing = null;
    this.testing = null;
    this.outcomes = new Map();
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      .settings {
        white-space: normal;
        overflow-wrap: anywhere;
        max-width: 26rem;
        font-size: var(--u-text-sm);
      }
      .outcome {
        display: block;
        margin-top: var(--u-space-1);
        white-space: normal;
        max-width: 22rem;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
    void notifyApi.channelTypes().then((res) => {
      if (res.ok) this.types = res.value;
    });
    void this.#load();
  }

  get #isAdmin(): boolean {
    return this.me?.permissions?.includes('channels:write') ?? false;
  }

  async #load(): Promise<void> {
    const res = await notifyApi.channels();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.channels = res.value;
  }

  async #saved(): Promise<void> {
    this.editing = null;
    await this.#load();
    await this.renderRoot.querySelector<UnityContactPoints>('unity-contact-points')?.refresh();
  }

  async #test(c: Channel): Promise<void> {
    this.testing = c.id;
    const res = await notifyApi.testChannel(c.id);
    this.testing = null;
    const outcome: TestOutcome = !res.ok
      ? { ok: false, text: res.error.message }
      : res.value.ok
        ? { ok: true, text: 'Delivered.' }
        : {
            ok: false,
            text: `Not delivered (${res.value.delivery.status}): ${res.value.delivery.lastError ?? 'no error given'}`,
          };
    this.outcomes = new Map(this.outcomes).set(c.id, outcome);
    await this.renderRoot.querySelector<UnityDeliveryLog>('unity-delivery-log')?.refresh();
  }

  async #delete(c: Channel): Promise<void> {
    const confirm = this.renderRoot.querySelector<UnityConfirm>('unity-confirm');
    if (!(await confirm?.ask(`Delete ${c.name}?`, 'Contact points that use it stop sending to it.'))) return;
    const res = await notifyApi.deleteChannel(c.id);
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    await this.#saved();
  }

  override render() {
    return html`<div class="page-head"><h1>Notifications</h1></div>
      <section>
        <div class="section-head">
          <h2>Channels</h2>
          ${
            this.#isAdmin && this.editing === null
              ? html`<button type="button" data-testid="new-channel" @click=${() => (this.editing = 'new')}>New channel</button>`
              : null
          }
        </div>
        ${this.error ? html`<p class="error" role="alert" data-testid="notify-error">${this.error}</p>` : null}
        ${
          this.editing !== null
            ? html`<unity-channel-form
              .types=${this.types}
              .channel=${this.editing === 'new' ? null : this.editing}
              @channel-saved=${() => void this.#saved()}
              @form-cancel=${() => (this.editing = null)}
            ></unity-channel-form>`
            : null
        }
        ${this.#table()}
      </section>
      <section>
        <unity-contact-points .channels=${this.channels ?? []} ?can-write=${this.#isAdmin}></unity-contact-points>
      </section>
      <section><unity-delivery-log></unity-delivery-log></section>
      <unity-confirm></unity-confirm>`;
  }

  #table() {
    if (this.channels === null) return html`<p class="muted">Loading…</p>`;
    if (this.channels.length === 0)
      return html`<p class="muted" data-testid="channels-empty">
        No channels yet.${this.#isAdmin ? ' Create one to receive alerts.' : ''}
      </p>`;
    return html`<div class="table-wrap">
      <table data-testid="channels">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Enabled</th>
            <th class="num">Per minute</th>
            <th>Settings</th>
            ${this.#isAdmin ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
          </tr>
        </thead>
        <tbody>
          ${this.channels.map((c) => this.#row(c))}
        </tbody>
      </table>
    </div>`;
  }

  #row(c: Channel) {
    const outcome = this.outcomes.get(c.id);
    const { type: _type, ...settings } = c.settings as Record<string, unknown>;
    const summary = Object.entries(settings)
      .filter(
        ([, v]) =>
          v !== undefined && v !== '' && !(typeof v === 'object' && v && Object.keys(v).length === 0),
      )
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' · ');
    return html`<tr data-testid="channel" data-name=${c.name}>
      <td>${c.name}</td>
      <td>${c.type}</td>
      <td>
        <unity-badge tone=${c.enabled ? 'ok' : 'neutral'}>${c.enabled ? 'enabled' : 'disabled'}</unity-badge>
      </td>
      <td class="num">${c.rateLimitPerMinute}</td>
      <td class="settings mono">${summary}</td>
      ${
        this.#isAdmin
          ? html`<td>
            <div class="row">
              <button
                type="button"
                class="secondary small"
                data-testid="test-channel"
                ?disabled=${this.testing !== null}
                @click=${() => void this.#test(c)}
              >
                ${this.testing === c.id ? 'Sending…' : 'Send test'}
              </button>
              <button type="button" class="secondary small" @click=${() => (this.editing = c)}>Edit</button>
              <button type="button" class="secondary small danger-text" @click=${() => void this.#delete(c)}>
                Delete
              </button>
            </div>
            ${
              outcome
                ? html`<span
                  class="outcome ${outcome.ok ? 'ok-text' : 'bad-text'}"
                  role="status"
                  data-testid="test-outcome"
                  data-ok=${String(outcome.ok)}
                  >${outcome.text}</span
                >`
                : null
            }
          </td>`
          : null
      }
    </tr>`;
  }
}

customElements.define('unity-notifications', UnityNotifications);

declare global {
  interface HTMLElementTagNameMap {
    'unity-notifications': UnityNotifications;
  }
}
