/**
 * The create/edit form of a probe: the kind (fixed once created), the fields every probe has
 * and the kind's own. Saving shows the hub's error (it names the field, or the position in a
 * condition) next to the form; success fires `probe-saved`, except for a new push probe,
 * whose ping URL is shown first (it cannot be shown again; editing offers a new one).
 * @module
 */
import { PROBE_KINDS, type Probe, type ProbeKind } from '@unity/shared';
import { html, LitElement } from 'lit';
import { probesApi } from '../api/probes-client.js';
import { formStyles } from './form-styles.js';
import { copyText, identityStyles } from './identity-shared.js';
import { KIND_LABELS, kindFields, specFromForm, withoutNulls } from './probe-form-fields.js';
import { pushUrlPanel } from './push-url.js';
import { base, controls, surfaces } from './styles.js';

export class UnityProbeForm extends LitElement {
  static override properties = {
    probe: { attribute: false },
    kind: { state: true },
    error: { state: true },
    busy: { state: true },
    pushUrl: { state: true },
    copied: { state: true },
  };
  /** The probe being edited; null for a new one. */
  declare probe: Probe | null;
  declare kind: ProbeKind;
  declare error: string;
  declare busy: boolean;
  /** A push probe's ping URL, just created or rotated: shown until the user is done. */
  declare pushUrl: string;
  declare copied: boolean;

  constructor() {
    super();
    this.probe = null;
    this.kind = 'http';
    this.error = '';
    this.busy = false;
    this.pushUrl = '';
    this.copied = false;
  }

  static override styles = [base, controls, surfaces, formStyles, identityStyles];

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('probe') && this.probe) this.kind = this.probe.kind;
  }

  async #submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const spec = specFromForm(this.kind, e.target as HTMLFormElement);
    this.busy = true;
    const res = this.probe
      ? await probesApi.update(this.probe.id, spec)
      : await probesApi.create(withoutNulls(spec));
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    if (res.value.pushUrl) {
      this.pushUrl = res.value.pushUrl;
      this.copied = false;
      this.probe = res.value;
      return;
    }
    this.#done();
  }

  #done(): void {
    this.dispatchEvent(new CustomEvent('probe-saved', { detail: this.probe, bubbles: true, composed: true }));
  }

  async #rotate(): Promise<void> {
    if (!this.probe) return;
    this.busy = true;
    const res = await probesApi.rotatePushToken(this.probe.id);
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.pushUrl = res.value.pushUrl;
    this.copied = false;
  }

  override render() {
    if (this.pushUrl)
      return html`<div class="form card">
        <h2>${this.probe?.name ?? 'Push probe'}</h2>
        ${pushUrlPanel(this.pushUrl, this.copied, async () => (this.copied = await copyText(this.pushUrl)))}
        <div class="row"><button type="button" data-testid="push-done" @click=${() => this.#done()}>Done</button></div>
      </div>`;
    const p = (this.probe ?? {}) as Partial<Probe> & Record<string, unknown>;
    return html`<form class="form card" data-testid="probe-form" @submit=${(e: SubmitEvent) => void this.#submit(e)}>
      <h2>${this.probe ? `Edit ${this.probe.name}` : 'New probe'}</h2>
      <div class="grid">
        <label
          >Kind
          <select
            name="kind"
            ?disabled=${this.probe !== null}
            @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as ProbeKind)}
          >
            ${PROBE_KINDS.map((k) => html`<option value=${k} ?selected=${k === this.kind}>${KIND_LABELS[k]}</option>`)}
          </select></label
        >
        <label>Name <input name="name" required .value=${p.name ?? ''} /></label>
        ${
          // A push probe is not run on an interval: its job pings the hub on its own schedule.
          this.kind === 'push'
            ? null
            : html`<label>Interval (s) <input name="intervalSeconds" type="number" min="10" .value=${String(p.intervalSeconds ?? 60)} /></label>
                <label>Timeout (s) <input name="timeoutSeconds" type="number" min="1" .value=${String(p.timeoutSeconds ?? 10)} /></label>`
        }
        <label>Retries before down <input name="retries" type="number" min="0" .value=${String(p.retries ?? 0)} /></label>
        <label>Tags (comma-separated) <input name="tags" .value=${(p.tags ?? []).join(', ')} /></label>
      </div>
      <fieldset>
        <legend>${KIND_LABELS[this.kind]}</legend>
        <div class="grid">${kindFields(this.kind, p)}</div>
      </fieldset>
      ${
        this.kind === 'push'
          ? null
          : html`<label
        >Conditions
        <input
          name="conditions"
          class="mono"
          .value=${p.conditions ?? ''}
          placeholder='[STATUS] == 200 && [BODY].status == "UP"'
      /></label>`
      }
      ${this.error ? html`<p class="error" role="alert" data-testid="probe-form-error">${this.error}</p>` : null}
      <div class="row">
        <button type="submit" ?disabled=${this.busy}>${this.probe ? 'Save' : 'Create probe'}</button>
        ${
          this.probe?.kind === 'push'
            ? html`<button type="button" class="secondary" data-testid="push-rotate" ?disabled=${this.busy} @click=${() => void this.#rotate()}>
                New ping URL
              </button>`
            : null
        }
        <button type="button" class="secondary" @click=${() => this.dispatchEvent(new CustomEvent('form-cancel', { bubbles: true, composed: true }))}>
          Cancel
        </button>
      </div>
    </form>`;
  }
}

customElements.define('unity-probe-form', UnityProbeForm);

declare global {
  interface HTMLElementTagNameMap {
    'unity-probe-form': UnityProbeForm;
  }
}
