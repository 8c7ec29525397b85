/**
 * A status page's incidents and maintenance notices, inside its editor: open an incident (title,
 * severity, first update), post updates that move it through investigating → identified →
 * monitoring → resolved, delete it; schedule and delete maintenance windows. Fires
 * `status-changed` after each change so the editor reloads the page.
 * @module
 */
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type Incident,
  type IncidentSeverity,
  type IncidentStatus,
  type StatusPageDetail,
} from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { statusPagesApi } from '../api/status-pages-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

const when = (iso: string) => new Date(iso).toLocaleString();
/** `datetime-local` gives local wall time; the API wants an instant with an offset. */
const toIso = (local: string) => new Date(local).toISOString();

export class UnityStatusIncidents extends LitElement {
  static override properties = {
    page: { attribute: false },
    canWrite: { attribute: false },
    error: { state: true },
  };
  declare page: StatusPageDetail | null;
  declare canWrite: boolean;
  declare error: string;

  constructor() {
    super();
    this.page = null;
    this.canWrite = false;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      section {
        margin-top: var(--u-space-5);
      }
      .incident {
        margin-bottom: var(--u-space-3);
      }
      .incident h3 {
        margin: 0 0 var(--u-space-2);
        font-size: var(--u-text-md, 1rem);
      }
      ul.updates {
        list-style: none;
        padding: 0;
        margin: 0 0 var(--u-space-3);
      }
      ul.updates li {
        border-top: 1px solid var(--u-border);
        padding: var(--u-space-2) 0;
      }
      ul.updates p {
        margin: var(--u-space-1) 0 0;
        white-space: pre-wrap;
      }
    `,
  ];

  async #run(call: Promise<{ ok: boolean; error?: { message: string } }>, form?: HTMLFormElement) {
    const res = await call;
    if (!res.ok) {
      this.error = res.error?.message ?? 'failed';
      return;
    }
    this.error = '';
    form?.reset();
    this.dispatchEvent(new CustomEvent('status-changed', { bubbles: true, composed: true }));
  }

  #createIncident(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    void this.#run(
      statusPagesApi.createIncident(this.page?.id ?? '', {
        title: String(data.get('title') ?? ''),
        severity: String(data.get('severity')) as IncidentSeverity,
        status: String(data.get('status')) as IncidentStatus,
        message: String(data.get('message') ?? ''),
      }),
      form,
    );
  }

  #postUpdate(e: SubmitEvent, incident: Incident): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    void this.#run(
      statusPagesApi.postUpdate(this.page?.id ?? '', incident.id, {
        status: String(data.get('status')) as IncidentStatus,
        message: String(data.get('message') ?? ''),
      }),
      form,
    );
  }

  #createMaintenance(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const start = String(data.get('start') ?? '');
    const end = String(data.get('end') ?? '');
    if (!start || !end) {
      this.error = 'Give the window a start and an end.';
      return;
    }
    void this.#run(
      statusPagesApi.createMaintenance(this.page?.id ?? '', {
        title: String(data.get('title') ?? ''),
        message: String(data.get('message') ?? ''),
        start: toIso(start),
        end: toIso(end),
      }),
      form,
    );
  }

  override render() {
    const page = this.page;
    if (!page) return null;
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <section data-testid="incidents">
        <h2>Incidents</h2>
        ${this.canWrite ? this.#incidentForm() : null}
        ${page.incidents.length === 0 ? html`<p class="muted">No incidents.</p>` : null}
        ${page.incidents.map((i) => this.#incident(i))}
      </section>
      <section data-testid="maintenance">
        <h2>Maintenance</h2>
        <p class="muted">The chosen probes' own maintenance windows are shown on the public page too.</p>
        ${this.canWrite ? this.#maintenanceForm() : null}
        ${page.maintenance.length === 0 ? html`<p class="muted">No maintenance notices.</p>` : null}
        ${page.maintenance.map(
          (m) => html`<div class="card incident" data-testid="notice">
            <h3>${m.title}</h3>
            <p class="muted">${when(m.start)} – ${when(m.end)}</p>
            ${m.message ? html`<p>${m.message}</p>` : null}
            ${
              this.canWrite
                ? html`<button
                  type="button"
                  class="secondary small danger-text"
                  @click=${() => void this.#run(statusPagesApi.removeMaintenance(page.id, m.id))}
                >
                  Delete
                </button>`
                : null
            }
          </div>`,
        )}
      </section>`;
  }

  #incidentForm() {
    return html`<form class="form card" data-testid="incident-form" @submit=${(e: SubmitEvent) => this.#createIncident(e)}>
      <h3>Report an incident</h3>
      <div class="grid">
        <label>Title <input name="title" required maxlength="200" /></label>
        <label
          >Severity
          <select name="severity">
            ${INCIDENT_SEVERITIES.map((s) => html`<option value=${s}>${s}</option>`)}
          </select></label
        >
        <label
          >Status
          <select name="status">
            ${INCIDENT_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
          </select></label
        >
      </div>
      <label>What is happening <textarea name="message" required maxlength="5000" rows="2"></textarea></label>
      <div class="row"><button type="submit">Publish incident</button></div>
    </form>`;
  }

  #incident(i: Incident) {
    return html`<div class="card incident" data-testid="incident" data-title=${i.title}>
      <h3>
        ${i.title}
        <unity-badge tone=${i.severity === 'minor' ? 'warn' : 'bad'}>${i.severity}</unity-badge>
        <unity-badge tone=${i.resolvedAt ? 'ok' : 'warn'}>${i.status}</unity-badge>
      </h3>
      <ul class="updates">
        ${i.updates.map(
          (u) =>
            html`<li><strong>${u.status}</strong> <span class="muted">${when(u.createdAt)}</span><p>${u.message}</p></li>`,
        )}
      </ul>
      ${
        this.canWrite
          ? html`<form class="row" data-testid="update-form" @submit=${(e: SubmitEvent) => this.#postUpdate(e, i)}>
            <select name="status" aria-label="New status">
              ${INCIDENT_STATUSES.map((s) => html`<option value=${s} ?selected=${s === (i.resolvedAt ? 'resolved' : 'monitoring')}>${s}</option>`)}
            </select>
            <input name="message" aria-label="Update" placeholder="Update for the public" required maxlength="5000" />
            <button type="submit" class="small">Post update</button>
            <button
              type="button"
              class="secondary small danger-text"
              @click=${() => void this.#run(statusPagesApi.removeIncident(this.page?.id ?? '', i.id))}
            >
              Delete
            </button>
          </form>`
          : null
      }
    </div>`;
  }

  #maintenanceForm() {
    return html`<form class="form card" data-testid="maintenance-form" @submit=${(e: SubmitEvent) => this.#createMaintenance(e)}>
      <h3>Schedule maintenance</h3>
      <div class="grid">
        <label>Title <input name="title" required maxlength="200" /></label>
        <label>Starts <input name="start" type="datetime-local" required /></label>
        <label>Ends <input name="end" type="datetime-local" required /></label>
      </div>
      <label>Message <textarea name="message" maxlength="5000" rows="2"></textarea></label>
      <div class="row"><button type="submit">Schedule</button></div>
    </form>`;
  }
}

customElements.define('unity-status-incidents', UnityStatusIncidents);

declare global {
  interface HTMLElementTagNameMap {
    'unity-status-incidents': UnityStatusIncidents;
  }
}
