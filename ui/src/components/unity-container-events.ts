/**
 * A container's event timeline (create, start, die, health_status, …), newest first, with a
 * type and action filter; refreshed live when the hub reports new events for it.
 * @module
 */
import type { ContainerEventView, EngineEventType } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { type EventFilter, eventsApi } from '../api/events.js';
import { LiveRefresh } from '../api/live-controller.js';
import { formatRelative } from '../format.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

const TYPES: Array<EngineEventType | ''> = ['', 'container', 'image', 'volume', 'network', 'other'];
const ACTION_RE = /^[\w.:-]+(,[\w.:-]+)*$/;

/** Actions worth a colour: the ones a user looks for when something went wrong. */
const BAD = new Set(['die', 'oom', 'kill']);

export class UnityContainerEvents extends LitElement {
  static override properties = {
    containerId: { attribute: 'container-id' },
    events: { state: true },
    type: { state: true },
    action: { state: true },
    error: { state: true },
  };
  declare containerId: string;
  declare events: ContainerEventView[] | null;
  declare type: EngineEventType | '';
  declare action: string;
  declare error: string;

  readonly #live: LiveRefresh;

  constructor() {
    super();
    this.containerId = '';
    this.events = null;
    this.type = '';
    this.action = '';
    this.error = '';
    this.#live = new LiveRefresh(
      this,
      () => (this.containerId ? [`container:${this.containerId}` as const] : []),
      () => void this.load(),
    );
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-3);
        align-items: end;
        margin-bottom: var(--u-space-3);
      }
      label {
        display: grid;
        gap: var(--u-space-1);
        font-size: var(--u-text-sm);
      }
      select {
        font: inherit;
        padding: var(--u-space-1) var(--u-space-2);
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius);
        background: var(--u-surface);
        color: var(--u-text);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--u-space-1);
      }
      li {
        display: flex;
        gap: var(--u-space-3);
        align-items: baseline;
        flex-wrap: wrap;
      }
      time {
        min-width: 9em;
        color: var(--u-text-muted);
        font-size: var(--u-text-sm);
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('containerId') && this.containerId) {
      this.#live.sync();
      void this.load();
    }
  }

  async load(): Promise<void> {
    const id = this.containerId;
    const filter: EventFilter = { type: this.type, limit: 200 };
    if (this.action && ACTION_RE.test(this.action)) filter.action = this.action;
    const res = await eventsApi.containerEvents(id, filter);
    if (id !== this.containerId) return;
    if (res.ok) {
      this.events = [...res.value.items].reverse();
      this.error = '';
    } else if (res.error.status !== 401) this.error = res.error.message;
  }

  #onType(e: Event): void {
    this.type = (e.target as HTMLSelectElement).value as EngineEventType | '';
    void this.load();
  }

  #onAction(e: Event): void {
    this.action = (e.target as HTMLInputElement).value.trim();
    if (this.action === '' || ACTION_RE.test(this.action)) void this.load();
  }

  override render() {
    const invalid = this.action !== '' && !ACTION_RE.test(this.action);
    return html`<section aria-labelledby="events-title" data-testid="events">
      <h2 id="events-title">Events</h2>
      <form @submit=${(e: Event) => e.preventDefault()}>
        <label
          >Type
          <select data-testid="event-type" @change=${this.#onType}>
            ${TYPES.map((t) => html`<option value=${t} ?selected=${t === this.type}>${t || 'all'}</option>`)}
          </select>
        </label>
        <label
          >Action <span class="hint ${invalid ? 'bad' : ''}">(e.g. die,restart)</span>
          <input
            data-testid="event-action"
            .value=${this.action}
            aria-invalid=${invalid ? 'true' : 'false'}
            @change=${this.#onAction}
          />
        </label>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.events === null
          ? html`<p class="muted">Loading…</p>`
          : this.events.length === 0
            ? html`<p class="muted">No events in the last 24 hours.</p>`
            : html`<ol data-testid="event-list">
                ${this.events.map(
                  (e) => html`<li>
                    <time datetime=${new Date(e.time).toISOString()} title=${new Date(e.time).toLocaleString()}
                      >${formatRelative(e.time)}</time
                    >
                    <unity-badge tone=${BAD.has(e.action) ? 'bad' : 'neutral'}>${e.action}</unity-badge>
                    <span class="muted">${e.type}${eventDetail(e)}</span>
                  </li>`,
                )}
              </ol>`
      }
    </section>`;
  }
}

/** The attributes that say most about an event, e.g. the exit code of a `die`. */
function eventDetail(e: ContainerEventView): string {
  const parts: string[] = [];
  const exit = e.attributes.exitCode;
  if (exit !== undefined) parts.push(`exit ${exit}`);
  const health = e.attributes.health_status ?? e.attributes.healthStatus;
  if (health) parts.push(health);
  return parts.length > 0 ? ` · ${parts.join(' · ')}` : '';
}

customElements.define('unity-container-events', UnityContainerEvents);

declare global {
  interface HTMLElementTagNameMap {
    'unity-container-events': UnityContainerEvents;
  }
}
