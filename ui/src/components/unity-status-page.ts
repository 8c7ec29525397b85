/**
 * One status page's editor (`/status-pages/:id`): title, address, description, theme and
 * whether it is published; which probes and containers it shows and under what names; its
 * incidents and maintenance (unity-status-incidents). Viewers see it read-only.
 * @module
 */
import type { Container, Me, StatusItem, StatusPageDetail, StatusTheme } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { type ProbeWithStatus, probesApi } from '../api/probes-client.js';
import { publicPath, statusPagesApi } from '../api/status-pages-client.js';
import { navigate } from '../router.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import type { UnityConfirm } from './unity-confirm.js';
import './unity-confirm.js';
import './unity-status-incidents.js';

type Draft = {
  title: string;
  slug: string;
  description: string;
  theme: StatusTheme;
  published: boolean;
  /** Chosen items by `kind:id`, with the display name typed (empty: the object's own name). */
  items: Map<string, StatusItem>;
};

const keyOf = (i: { kind: string; id: string }) => `${i.kind}:${i.id}`;

export class UnityStatusPage extends LitElement {
  static override properties = {
    pageId: { attribute: 'page-id' },
    me: { state: true },
    page: { state: true },
    draft: { state: true },
    probes: { state: true },
    containers: { state: true },
    error: { state: true },
    notice: { state: true },
  };
  declare pageId: string;
  declare me: Me | null;
  declare page: StatusPageDetail | null;
  declare draft: Draft | null;
  declare probes: ProbeWithStatus[];
  declare containers: Container[];
  declare error: string;
  declare notice: string;

  constructor() {
    super();
    this.pageId = '';
    this.me = null;
    this.page = null;
    this.draft = null;
    this.probes = [];
    this.containers = [];
    this.error = '';
    this.notice = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      .choices {
        display: grid;
        gap: var(--u-space-2);
      }
      .choice {
        display: grid;
        grid-template-columns: minmax(12rem, 1fr) minmax(10rem, 1fr);
        gap: var(--u-space-3);
        align-items: center;
      }
      section {
        margin-top: var(--u-space-5);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
    void this.#load();
    void probesApi.list().then((r) => {
      if (r.ok) this.probes = r.value;
    });
    void statusPagesApi.containers().then((r) => {
      if (r.ok) this.containers = r.value;
    });
  }

  get #canWrite(): boolean {
    return this.me?.permissions?.includes('probes:write') ?? false;
  }

  async #load(): Promise<void> {
    const res = await statusPagesApi.get(this.pageId);
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.page = res.value;
    this.draft = {
      title: res.value.title,
      slug: res.value.slug,
      description: res.value.description,
      theme: res.value.theme,
      published: res.value.published,
      items: new Map(res.value.items.map((i) => [keyOf(i), i])),
    };
  }

  #set(patch: Partial<Draft>): void {
    if (this.draft) this.draft = { ...this.draft, ...patch };
  }

  #toggle(item: StatusItem, on: boolean): void {
    if (!this.draft) return;
    const items = new Map(this.draft.items);
    if (on) items.set(keyOf(item), item);
    else items.delete(keyOf(item));
    this.#set({ items });
  }

  #rename(key: string, name: string): void {
    const item = this.draft?.items.get(key);
    if (!this.draft || !item) return;
    const items = new Map(this.draft.items);
    const { displayName: _, ...rest } = item;
    items.set(key, name.trim() ? { ...rest, displayName: name } : rest);
    this.#set({ items });
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.draft) return;
    const { items, ...fields } = this.draft;
    const res = await statusPagesApi.update(this.pageId, { ...fields, items: [...items.values()] });
    if (!res.ok) {
      this.error = res.error.message;
      this.notice = '';
      return;
    }
    this.error = '';
    this.notice = res.value.published ? 'Saved. The public page shows it now.' : 'Saved (not published).';
    await this.#load();
  }

  async #delete(): Promise<void> {
    const confirm = this.renderRoot.querySelector<UnityConfirm>('unity-confirm');
    if (!(await confirm?.ask(`Delete ${this.page?.title}?`, 'Its incidents and notices are deleted too.')))
      return;
    const res = await statusPagesApi.remove(this.pageId);
    if (!res.ok) this.error = res.error.message;
    else navigate('/status-pages');
  }

  override render() {
    const page = this.page;
    return html`<p class="crumbs"><a href="/status-pages">Status pages</a></p>
      <div class="page-head">
        <h1>${page?.title ?? 'Status page'}</h1>
        ${
          page
            ? html`<a class="button secondary" data-testid="public-link" href=${publicPath(page.slug)} target="_blank" rel="noopener"
              >Open public page</a
            >`
            : null
        }
        ${
          this.#canWrite && page
            ? html`<button type="button" class="secondary danger-text" @click=${() => void this.#delete()}>Delete</button>`
            : null
        }
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.notice ? html`<p class="ok-text" role="status">${this.notice}</p>` : null}
      ${this.draft ? this.#form(this.draft) : html`<p class="muted">Loading…</p>`}
      ${
        page
          ? html`<unity-status-incidents
            .page=${page}
            .canWrite=${this.#canWrite}
            @status-changed=${() => void this.#load()}
          ></unity-status-incidents>`
          : null
      }
      <unity-confirm></unity-confirm>`;
  }

  #form(d: Draft) {
    const ro = !this.#canWrite;
    return html`<form class="form card" data-testid="status-page-form" @submit=${(e: Event) => void this.#save(e)}>
      <fieldset ?disabled=${ro}>
        <legend>Page</legend>
        <div class="grid">
          <label
            >Title
            <input name="title" required maxlength="128" .value=${d.title} @input=${(e: Event) => this.#set({ title: (e.target as HTMLInputElement).value })}
          /></label>
          <label
            >Address
            <input name="slug" required maxlength="64" .value=${d.slug} @input=${(e: Event) => this.#set({ slug: (e.target as HTMLInputElement).value })} />
            <span class="hint">${location.origin}${publicPath(d.slug)}</span></label
          >
          <label
            >Theme
            <select name="theme" .value=${d.theme} @change=${(e: Event) => this.#set({ theme: (e.target as HTMLSelectElement).value as StatusTheme })}>
              <option value="auto">Follow the viewer's system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select></label
          >
          <label class="check"
            ><input
              type="checkbox"
              name="published"
              .checked=${d.published}
              @change=${(e: Event) => this.#set({ published: (e.target as HTMLInputElement).checked })}
            />
            Published (anyone with the address can open it)</label
          >
        </div>
        <label
          >Description
          <textarea name="description" maxlength="2000" rows="2" .value=${d.description} @input=${(e: Event) => this.#set({ description: (e.target as HTMLTextAreaElement).value })}></textarea>
        </label>
      </fieldset>
      <fieldset ?disabled=${ro}>
        <legend>Probes shown</legend>
        <p class="hint">Only the name is public: never the probe's URL, host or settings.</p>
        <div class="choices" data-testid="probe-choices">
          ${this.probes.length === 0 ? html`<p class="muted">No probes yet.</p>` : null}
          ${this.probes.map((p) => this.#choice({ kind: 'probe', id: p.id }, p.name, d))}
        </div>
      </fieldset>
      <fieldset ?disabled=${ro}>
        <legend>Containers shown</legend>
        <p class="hint">Containers show their current state only (no uptime history).</p>
        <div class="choices" data-testid="container-choices">
          ${this.containers.length === 0 ? html`<p class="muted">No containers.</p>` : null}
          ${this.containers.map((c) => this.#choice({ kind: 'container', id: c.id }, c.name, d))}
        </div>
      </fieldset>
      ${this.#canWrite ? html`<div class="row"><button type="submit" data-testid="save-status-page">Save</button></div>` : null}
    </form>`;
  }

  #choice(item: StatusItem, name: string, d: Draft) {
    const chosen = d.items.get(keyOf(item));
    return html`<div class="choice" data-testid="choice" data-name=${name}>
      <label class="check"
        ><input type="checkbox" .checked=${chosen !== undefined} @change=${(e: Event) => this.#toggle(item, (e.target as HTMLInputElement).checked)} />
        ${name}</label
      >
      ${
        chosen
          ? html`<input
            aria-label="Public name of ${name}"
            placeholder=${name}
            maxlength="128"
            .value=${chosen.displayName ?? ''}
            @input=${(e: Event) => this.#rename(keyOf(item), (e.target as HTMLInputElement).value)}
          />`
          : html`<span></span>`
      }
    </div>`;
  }
}

customElements.define('unity-status-page', UnityStatusPage);

declare global {
  interface HTMLElementTagNameMap {
    'unity-status-page': UnityStatusPage;
  }
}
