/**
 * The Status pages list (`/status-pages`): every public status page with its address and
 * whether it is published; editors create one (title and slug, then the editor page opens).
 * @module
 */
import type { Me, StatusPage } from '@unity/shared';
import { html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { publicPath, statusPagesApi } from '../api/status-pages-client.js';
import { navigate } from '../router.js';
import { slugOf } from '../status-slug.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

export class UnityStatusPages extends LitElement {
  static override properties = {
    me: { state: true },
    pages: { state: true },
    creating: { state: true },
    title: { state: true },
    slug: { state: true },
    error: { state: true },
  };
  declare me: Me | null;
  declare pages: StatusPage[] | null;
  declare creating: boolean;
  declare title: string;
  declare slug: string;
  declare error: string;
  #slugTouched = false;

  constructor() {
    super();
    this.me = null;
    this.pages = null;
    this.creating = false;
    this.title = '';
    this.slug = '';
    this.error = '';
  }

  static override styles = [base, controls, surfaces, formStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
    void this.#load();
  }

  get #canWrite(): boolean {
    return this.me?.permissions?.includes('probes:write') ?? false;
  }

  async #load(): Promise<void> {
    const res = await statusPagesApi.list();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.pages = res.value;
  }

  async #create(e: Event): Promise<void> {
    e.preventDefault();
    const res = await statusPagesApi.create({ title: this.title, slug: this.slug });
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    navigate(`/status-pages/${encodeURIComponent(res.value.id)}`);
  }

  override render() {
    return html`<div class="page-head">
        <h1>Status pages</h1>
        ${
          this.#canWrite && !this.creating
            ? html`<button type="button" data-testid="new-status-page" @click=${() => (this.creating = true)}>
              New status page
            </button>`
            : null
        }
      </div>
      <p class="muted">
        Public pages anyone can open without signing in. They show only the probes and containers you
        choose, under the names you give them, with 90 days of uptime, incidents and maintenance.
      </p>
      ${this.creating ? this.#form() : null}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null} ${this.#table()}`;
  }

  #form() {
    return html`<form class="form card" data-testid="status-page-create" @submit=${(e: Event) => void this.#create(e)}>
      <h2>New status page</h2>
      <div class="grid">
        <label
          >Title
          <input
            name="title"
            required
            maxlength="128"
            .value=${this.title}
            @input=${(e: Event) => {
              this.title = (e.target as HTMLInputElement).value;
              if (!this.#slugTouched) this.slug = slugOf(this.title);
            }}
        /></label>
        <label
          >Address
          <input
            name="slug"
            required
            maxlength="64"
            pattern="[a-z0-9]([a-z0-9\\-]*[a-z0-9])?"
            .value=${this.slug}
            @input=${(e: Event) => {
              this.#slugTouched = true;
              this.slug = (e.target as HTMLInputElement).value;
            }}
          />
          <span class="hint">${location.origin}${publicPath(this.slug || 'my-status')}</span></label
        >
      </div>
      <div class="row">
        <button type="submit">Create</button>
        <button type="button" class="secondary" @click=${() => (this.creating = false)}>Cancel</button>
      </div>
    </form>`;
  }

  #table() {
    if (this.pages === null) return html`<p class="muted">Loading…</p>`;
    if (this.pages.length === 0)
      return html`<p class="muted" data-testid="status-pages-empty">No status pages yet.</p>`;
    return html`<div class="table-wrap">
      <table data-testid="status-pages">
        <thead>
          <tr>
            <th>Title</th>
            <th>Public address</th>
            <th>State</th>
            <th class="num">Items</th>
          </tr>
        </thead>
        <tbody>
          ${this.pages.map(
            (p) => html`<tr data-testid="status-page-row" data-slug=${p.slug}>
              <td><a href="/status-pages/${encodeURIComponent(p.id)}">${p.title}</a></td>
              <td class="mono">
                ${
                  p.published
                    ? html`<a href=${publicPath(p.slug)} target="_blank" rel="noopener">${publicPath(p.slug)}</a>`
                    : publicPath(p.slug)
                }
              </td>
              <td>
                <unity-badge tone=${p.published ? 'ok' : 'neutral'}>${p.published ? 'published' : 'draft'}</unity-badge>
              </td>
              <td class="num">${p.items.length}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

customElements.define('unity-status-pages', UnityStatusPages);

declare global {
  interface HTMLElementTagNameMap {
    'unity-status-pages': UnityStatusPages;
  }
}
