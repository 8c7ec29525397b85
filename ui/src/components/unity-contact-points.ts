/**
 * Contact points: a name and the channels it sends to, as alert routing refers to them. Lists
 * them for everyone; admins create, edit and delete (the form is a name and a checkbox per
 * channel), and the hub's 400 message shows under the form.
 * @module
 */
import type { Channel, ContactPoint } from '@unity/shared';
import { html, LitElement } from 'lit';
import { notifyApi } from '../api/notify-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import type { UnityConfirm } from './unity-confirm.js';
import './unity-confirm.js';

export class UnityContactPoints extends LitElement {
  static override properties = {
    channels: { attribute: false },
    canWrite: { type: Boolean, attribute: 'can-write' },
    items: { state: true },
    editing: { state: true },
    name: { state: true },
    chosen: { state: true },
    busy: { state: true },
    error: { state: true },
    formError: { state: true },
  };
  declare channels: Channel[];
  declare canWrite: boolean;
  declare items: ContactPoint[] | null;
  /** The contact point in the form: 'new', one being edited, or null (no form). */
  declare editing: ContactPoint | 'new' | null;
  declare name: string;
  declare chosen: ReadonlySet<string>;
  declare busy: boolean;
  declare error: string;
  declare formError: string;

  constructor() {
    super();
    this.channels = [];
    this.canWrite = false;
    this.items = null;
    this.editing = null;
    this.name = '';
    this.chosen = new Set();
    this.busy = false;
    this.error = '';
    this.formError = '';
  }

  static override styles = [base, controls, surfaces, formStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const res = await notifyApi.contactPoints();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.items = res.value;
  }

  #open(cp: ContactPoint | 'new'): void {
    this.editing = cp;
    this.name = cp === 'new' ? '' : cp.name;
    this.chosen = new Set(cp === 'new' ? [] : cp.channelIds);
    this.formError = '';
  }

  #toggle(id: string, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(id);
    else next.delete(id);
    this.chosen = next;
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    const editing = this.editing;
    if (!editing) return;
    this.busy = true;
    this.formError = '';
    const body = { name: this.name, channelIds: [...this.chosen] };
    const res =
      editing === 'new'
        ? await notifyApi.createContactPoint(body)
        : await notifyApi.updateContactPoint(editing.id, body);
    this.busy = false;
    if (!res.ok) {
      this.formError = res.error.message;
      return;
    }
    this.editing = null;
    await this.refresh();
  }

  async #delete(cp: ContactPoint): Promise<void> {
    const confirm = this.renderRoot.querySelector<UnityConfirm>('unity-confirm');
    if (
      !(await confirm?.ask(
        `Delete ${cp.name}?`,
        'Notification policies that route to it stop delivering there.',
      ))
    )
      return;
    const res = await notifyApi.deleteContactPoint(cp.id);
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    await this.refresh();
  }

  #channelName = (id: string) => this.channels.find((c) => c.id === id)?.name ?? 'deleted channel';

  override render() {
    return html`<div class="section-head">
        <h2>Contact points</h2>
        ${
          this.canWrite && this.editing === null
            ? html`<button type="button" data-testid="new-contact-point" @click=${() => this.#open('new')}>
              New contact point
            </button>`
            : null
        }
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.editing !== null ? this.#form() : null}
      ${
        this.items === null
          ? html`<p class="muted">Loading…</p>`
          : this.items.length === 0
            ? html`<p class="muted">No contact points yet.</p>`
            : html`<div class="table-wrap">
              <table data-testid="contact-points">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Channels</th>
                    ${this.canWrite ? html`<th><span class="visually-hidden">Actions</span></th>` : null}
                  </tr>
                </thead>
                <tbody>
                  ${this.items.map(
                    (cp) =>
                      html`<tr data-testid="contact-point" data-name=${cp.name}>
                        <td>${cp.name}</td>
                        <td class="wrap">${cp.channelIds.map(this.#channelName).join(', ')}</td>
                        ${
                          this.canWrite
                            ? html`<td class="row">
                              <button type="button" class="secondary small" @click=${() => this.#open(cp)}>Edit</button>
                              <button
                                type="button"
                                class="secondary small danger-text"
                                @click=${() => void this.#delete(cp)}
                              >
                                Delete
                              </button>
                            </td>`
                            : null
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <unity-confirm></unity-confirm>`;
  }

  #form() {
    return html`<form class="card form" data-testid="contact-point-form" @submit=${this.#save} novalidate>
      <h2>${this.editing === 'new' || this.editing === null ? 'New contact point' : `Edit ${this.editing.name}`}</h2>
      <label
        >Name
        <input name="cp-name" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
      /></label>
      <fieldset>
        <legend>Channels</legend>
        ${this.channels.length === 0 ? html`<p class="muted">Create a channel first.</p>` : null}
        ${this.channels.map(
          (c) =>
            html`<label class="check"
              ><input
                type="checkbox"
                value=${c.id}
                .checked=${this.chosen.has(c.id)}
                @change=${(e: Event) => this.#toggle(c.id, (e.target as HTMLInputElement).checked)}
              />${c.name} <span class="hint">${c.type}</span></label
            >`,
        )}
      </fieldset>
      ${
        this.formError
          ? html`<p class="error" role="alert" data-testid="contact-point-error">${this.formError}</p>`
          : null
      }
      <div class="row">
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save contact point'}</button>
        <button type="button" class="secondary" @click=${() => (this.editing = null)}>Cancel</button>
      </div>
    </form>`;
  }
}

customElements.define('unity-contact-points', UnityContactPoints);

declare global {
  interface HTMLElementTagNameMap {
    'unity-contact-points': UnityContactPoints;
  }
}
