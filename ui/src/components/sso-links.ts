/**
 * "Sign-in with identity providers" on My account: the provider accounts linked to mine, a
 * button to link another (the browser goes through the provider and comes back here), and
 * unlink, which the hub refuses for the last way to sign in (its reason is shown).
 * @module
 */
import type { SsoLinks } from '@unity/shared';
import { html, LitElement } from 'lit';
import { ssoApi } from '../api/sso-client.js';
import { ssoErrorMessage } from './sso-messages.js';
import { base, controls, surfaces } from './styles.js';

export class UnitySsoLinks extends LitElement {
  static override properties = {
    links: { state: true },
    error: { state: true },
    notice: { state: true },
  };
  declare links: SsoLinks | null;
  declare error: string;
  declare notice: string;

  constructor() {
    super();
    this.links = null;
    this.error = ssoErrorMessage(location.search);
    const linked = new URLSearchParams(location.search).get('sso_linked');
    this.notice = linked ? 'The account is linked: you can now sign in with it.' : '';
  }

  static override styles = [base, controls, surfaces];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const r = await ssoApi.links();
    if (r.ok) this.links = r.value;
    else this.error = r.error.message;
  }

  override render() {
    const l = this.links;
    if (!l || (l.identities.length === 0 && l.available.length === 0)) return null;
    return html`<section class="card" data-testid="sso-links">
      <h2>Sign-in with identity providers</h2>
      ${this.notice ? html`<p role="status" data-testid="sso-notice">${this.notice}</p>` : null}
      ${this.error ? html`<p class="error" role="alert" data-testid="sso-links-error">${this.error}</p>` : null}
      ${
        l.identities.length
          ? html`<ul>
            ${l.identities.map(
              (i) => html`<li data-testid="sso-identity">
                <strong>${i.providerName}</strong> ${i.email || i.subject}
                <button type="button" data-testid="sso-unlink-${i.providerId}" @click=${() => this.#unlink(i.id)}>
                  Unlink
                </button>
              </li>`,
            )}
          </ul>`
          : html`<p class="muted">No provider account is linked.</p>`
      }
      ${l.available.map(
        (p) =>
          html`<button type="button" data-testid="sso-link-${p.id}" @click=${() => this.#link(p.id)}>
            Link ${p.name}
          </button>`,
      )}
    </section>`;
  }

  async #link(providerId: string): Promise<void> {
    this.error = '';
    const r = await ssoApi.link(providerId);
    if (r.ok) location.assign(r.value.url);
    else this.error = r.error.message;
  }

  async #unlink(identityId: string): Promise<void> {
    this.error = '';
    this.notice = '';
    const r = await ssoApi.unlink(identityId);
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.notice = 'Unlinked.';
    await this.#load();
  }
}

customElements.define('unity-sso-links', UnitySsoLinks);

declare global {
  interface HTMLElementTagNameMap {
    'unity-sso-links': UnitySsoLinks;
  }
}
