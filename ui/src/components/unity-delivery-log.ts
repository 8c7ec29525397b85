/**
 * The recent notification deliveries (`GET /api/notifications`): when, to which channel, what,
 * the status, the attempts and the last error. `refresh()` reloads it.
 * @module
 */
import type { Delivery, DeliveryStatus } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { notifyApi } from '../api/notify-client.js';
import { formatRelative } from '../format.js';
import { base, controls, surfaces } from './styles.js';
import type { BadgeTone } from './unity-badge.js';
import './unity-badge.js';

const TONE: Record<DeliveryStatus, BadgeTone> = {
  delivered: 'ok',
  failed: 'bad',
  retrying: 'warn',
  queued: 'neutral',
  sending: 'neutral',
};

export class UnityDeliveryLog extends LitElement {
  static override properties = {
    items: { state: true },
    error: { state: true },
  };
  /** null while loading. */
  declare items: Delivery[] | null;
  declare error: string;

  constructor() {
    super();
    this.items = null;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      td.wrap {
        white-space: normal;
        overflow-wrap: anywhere;
        max-width: 28rem;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const res = await notifyApi.deliveries(50);
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.items = res.value;
  }

  override render() {
    return html`<div class="section-head">
        <h2>Recent deliveries</h2>
        <button type="button" class="secondary" @click=${() => void this.refresh()}>Refresh</button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.items === null
          ? html`<p class="muted">Loading…</p>`
          : this.items.length === 0
            ? html`<p class="muted" data-testid="deliveries-empty">Nothing has been sent yet.</p>`
            : html`<div class="table-wrap">
              <table data-testid="deliveries">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Channel</th>
                    <th>Notification</th>
                    <th>Status</th>
                    <th class="num">Attempts</th>
                    <th>Last error</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.items.map(
                    (d) =>
                      html`<tr data-testid="delivery" data-channel=${d.channelName}>
                        <td>${formatRelative(d.createdAt)}</td>
                        <td>${d.channelName} <span class="muted">${d.channelType}</span></td>
                        <td class="wrap">${d.test ? html`<span class="muted">Test:</span> ` : null}${d.title}</td>
                        <td><unity-badge tone=${TONE[d.status]} data-testid="delivery-status">${d.status}</unity-badge></td>
                        <td class="num">${d.attempts}</td>
                        <td class="wrap">${d.lastError ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`;
  }
}

customElements.define('unity-delivery-log', UnityDeliveryLog);

declare global {
  interface HTMLElementTagNameMap {
    'unity-delivery-log': UnityDeliveryLog;
  }
}
