/**
 * A container's health panel: health-check status, failing streak, the last check outputs,
 * restart count, exit code and OOM kill, refreshed live (its events, its host's updates).
 * @module
 */
import type { ContainerHealthView } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { eventsApi } from '../api/events.js';
import { LiveRefresh } from '../api/live-controller.js';
import { formatRelative, MISSING } from '../format.js';
import { healthTone } from './health-tone.js';
import { base, surfaces } from './styles.js';
import './unity-badge.js';

export class UnityContainerHealth extends LitElement {
  static override properties = {
    containerId: { attribute: 'container-id' },
    hostId: { attribute: 'host-id' },
    view: { state: true },
    error: { state: true },
  };
  declare containerId: string;
  declare hostId: string;
  declare view: ContainerHealthView | null;
  declare error: string;

  readonly #live: LiveRefresh;

  constructor() {
    super();
    this.containerId = '';
    this.hostId = '';
    this.view = null;
    this.error = '';
    this.#live = new LiveRefresh(
      this,
      () => [
        ...(this.containerId ? [`container:${this.containerId}` as const] : []),
        ...(this.hostId ? [`host:${this.hostId}` as const] : []),
      ],
      () => void this.load(),
    );
  }

  static override styles = [
    base,
    surfaces,
    css`
      pre {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: var(--u-text-sm);
      }
      ol {
        margin: 0;
        padding-left: var(--u-space-4);
        display: grid;
        gap: var(--u-space-2);
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('containerId') || changed.has('hostId')) && this.containerId) {
      this.#live.sync();
      void this.load();
    }
  }

  async load(): Promise<void> {
    const id = this.containerId;
    const res = await eventsApi.containerHealth(id);
    if (id !== this.containerId) return;
    if (res.ok) {
      this.view = res.value;
      this.error = '';
    } else if (res.error.status !== 401) this.error = res.error.message;
  }

  override render() {
    const h = this.view?.current;
    return html`<section aria-labelledby="health-title" data-testid="health-panel">
      <h2 id="health-title">Health</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        !h
          ? html`<p class="muted">${this.view ? 'Not inspected yet.' : 'Loading…'}</p>`
          : html`<dl class="facts">
              <div>
                <dt>Health check</dt>
                <dd><unity-badge tone=${healthTone(h.status)} data-testid="health-status">${h.status === 'none' ? 'no check' : h.status}</unity-badge></dd>
              </div>
              <div><dt>Failing streak</dt><dd data-testid="failing-streak">${h.failingStreak}</dd></div>
              <div><dt>Restarts</dt><dd data-testid="restart-count">${h.restartCount}</dd></div>
              <div><dt>Exit code</dt><dd data-testid="exit-code">${h.exitCode}</dd></div>
              <div><dt>OOM killed</dt><dd data-testid="oom">${h.oomKilled ? 'yes' : 'no'}</dd></div>
              <div><dt>Started</dt><dd>${formatRelative(h.startedAt)}</dd></div>
              <div><dt>Finished</dt><dd>${h.finishedAt ? formatRelative(h.finishedAt) : MISSING}</dd></div>
            </dl>
            ${
              h.log.length === 0
                ? null
                : html`<h3>Last checks</h3>
                  <ol data-testid="health-log">
                    ${[...h.log].reverse().map(
                      (r) => html`<li>
                        <span class="muted">${formatRelative(r.end ?? r.start ?? null)} · exit ${r.exitCode}</span>
                        ${r.output ? html`<pre>${r.output}</pre>` : null}
                      </li>`,
                    )}
                  </ol>`
            }`
      }
    </section>`;
  }
}

customElements.define('unity-container-health', UnityContainerHealth);

declare global {
  interface HTMLElementTagNameMap {
    'unity-container-health': UnityContainerHealth;
  }
}
