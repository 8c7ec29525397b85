/**
 * The Alerts page: the dispatcher's current groups, each with its labels, contact points and
 * next notification, and its alerts with state, value and since. Editors acknowledge an alert
 * (stops repeats) or open the silence form prefilled with its labels. Refreshed every 10 s.
 * @module
 */
import { type AlertGroup, formatMatcher, type GroupedAlert, type Me } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { alertRoutingApi } from '../api/alert-routing-client.js';
import { formatNumber, formatRelative } from '../format.js';
import { navigate } from '../router.js';
import { alertsStyles, alertsTabs, canWrite, when } from './alerts-shared.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

const REFRESH_MS = 10_000;

/** Labels rendered as chips, in name order. */
export const labelChips = (labels: Record<string, string>) =>
  html`<span class="labels"
    >${Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => html`<span class="label">${k}=${v}</span>`)}</span
  >`;

function stateOf(a: GroupedAlert): { text: string; tone: 'bad' | 'ok' | 'warn' | 'neutral' } {
  if (a.status === 'resolved') return { text: 'resolved', tone: 'ok' };
  if (a.silencedBy.length > 0) return { text: 'silenced', tone: 'neutral' };
  if (a.inhibitedBy.length > 0) return { text: 'inhibited', tone: 'neutral' };
  if (a.acknowledgement) return { text: 'acknowledged', tone: 'warn' };
  return { text: 'firing', tone: 'bad' };
}

export class UnityAlerts extends LitElement {
  static override properties = {
    me: { attribute: false },
    groups: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare me: Me | null;
  declare groups: AlertGroup[] | null;
  declare error: string;
  /** Fingerprint of the alert being acknowledged. */
  declare busy: string | null;

  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.me = null;
    this.groups = null;
    this.error = '';
    this.busy = null;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    alertsStyles,
    css`
      .group {
        margin-bottom: var(--u-space-4);
      }
      .group-head {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-2) var(--u-space-4);
        align-items: center;
        margin-bottom: var(--u-space-3);
      }
      td.wrap {
        white-space: normal;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.#timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async load(): Promise<void> {
    const res = await alertRoutingApi.groups();
    if (res.ok) {
      this.groups = res.value.items;
      this.error = '';
    } else if (res.error.status !== 401) {
      this.error = res.error.message;
    }
  }

  async #ack(a: GroupedAlert): Promise<void> {
    this.busy = a.fingerprint;
    this.error = '';
    const res = await alertRoutingApi.ack(a.fingerprint);
    this.busy = null;
    if (!res.ok) {
      this.error = `Could not acknowledge: ${res.error.message}`;
      return;
    }
    await this.load();
  }

  #silence(a: GroupedAlert): void {
    const qs = new URLSearchParams();
    for (const [label, value] of Object.entries(a.labels))
      qs.append('matcher', formatMatcher({ label, op: '=', value }));
    navigate(`/alerts/silences?${qs.toString()}`);
  }

  override render() {
    return html`<div class="page-head"><h1>Alerts</h1></div>
      ${alertsTabs('alerts')}
      ${this.error ? html`<p class="error" role="alert" data-testid="alerts-error">${this.error}</p>` : null}
      ${this.#groups()}`;
  }

  #groups() {
    const groups = this.groups;
    if (groups === null) return this.error ? null : html`<p class="muted">Loading…</p>`;
    if (groups.length === 0)
      return html`<p class="muted" data-testid="alerts-empty">Nothing is firing. All quiet.</p>`;
    return groups.map((g) => this.#group(g));
  }

  #group(g: AlertGroup) {
    const next = g.nextNotificationAt ? Date.parse(g.nextNotificationAt) : null;
    return html`<section class="card group" data-testid="alert-group" aria-label="Alert group">
      <div class="group-head">
        ${labelChips(g.groupLabels)}
        ${g.muted ? html`<unity-badge tone="neutral">muted by schedule</unity-badge>` : null}
        ${g.acknowledged ? html`<unity-badge tone="warn">acknowledged</unity-badge>` : null}
        <span class="muted"
          >Contact point: ${g.contactPointIds.length ? g.contactPointIds.join(', ') : 'none'} · next notification
          <span data-testid="next-notification"
            >${next === null ? 'none due' : `${when(g.nextNotificationAt)} (${formatRelative(next)})`}</span
          ></span
        >
      </div>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Alert</th>
              <th>State</th>
              <th class="num">Value</th>
              <th>Since</th>
              <th>Labels</th>
              ${canWrite(this.me) ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
            </tr>
          </thead>
          <tbody>
            ${g.alerts.map((a) => this.#alert(a))}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  #alert(a: GroupedAlert) {
    const state = stateOf(a);
    const summary = a.annotations.summary;
    return html`<tr data-testid="alert" data-fingerprint=${a.fingerprint}>
      <td class="wrap">
        <strong>${a.ruleName}</strong>${summary ? html`<br /><span class="muted">${summary}</span>` : null}
      </td>
      <td><unity-badge tone=${state.tone} data-testid="alert-state">${state.text}</unity-badge></td>
      <td class="num">${Number.isInteger(a.value) ? String(a.value) : formatNumber(a.value)}</td>
      <td title=${when(a.startsAt)}>${formatRelative(Date.parse(a.startsAt))}</td>
      <td class="wrap">${labelChips(a.labels)}</td>
      ${
        canWrite(this.me)
          ? html`<td>
            <span class="row">
              ${
                a.status === 'firing' && !a.acknowledgement
                  ? html`<button
                    type="button"
                    class="secondary small"
                    data-testid="ack"
                    aria-label="Acknowledge ${a.ruleName}"
                    ?disabled=${this.busy === a.fingerprint}
                    @click=${() => this.#ack(a)}
                  >
                    Ack
                  </button>`
                  : null
              }
              <button
                type="button"
                class="secondary small"
                data-testid="silence"
                aria-label="Silence ${a.ruleName}"
                @click=${() => this.#silence(a)}
              >
                Silence
              </button>
            </span>
          </td>`
          : null
      }
    </tr>`;
  }
}

customElements.define('unity-alerts', UnityAlerts);

declare global {
  interface HTMLElementTagNameMap {
    'unity-alerts': UnityAlerts;
  }
}
