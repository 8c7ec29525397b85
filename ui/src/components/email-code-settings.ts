/**
 * The e-mail part of "My account"'s sign-in settings: when the hub can send mail, confirm the
 * profile's address with a mailed code, after which sign-in may offer a code by e-mail as a
 * fallback second factor. Changing the address needs a new confirmation.
 * @module
 */
import type { EmailVerificationStatus } from '@unity/shared';
import { html, LitElement } from 'lit';
import { passkeyApi } from '../api/passkey-client.js';
import { identityStyles } from './identity-shared.js';
import { base, controls, surfaces } from './styles.js';

export class UnityEmailCodes extends LitElement {
  static override properties = {
    status: { state: true },
    sent: { state: true },
    message: { state: true },
    error: { state: true },
  };
  declare status: EmailVerificationStatus | undefined;
  declare sent: boolean;
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.status = undefined;
    this.sent = false;
    this.message = '';
    this.error = '';
  }

  static override styles = [base, controls, surfaces, identityStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Reloaded by the account page after the profile (and so maybe the address) changed. */
  async refresh(): Promise<void> {
    const res = await passkeyApi.emailStatus();
    if (res.ok) this.status = res.value;
  }

  override render() {
    const s = this.status;
    if (!s?.smtp) return null;
    return html`<section class="card" data-testid="email-codes">
      <h2>Codes by e-mail</h2>
      ${this.message ? html`<p role="status">${this.message}</p>` : null}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        !s.email
          ? html`<p class="muted">Set an e-mail address in your profile to get sign-in codes by e-mail.</p>`
          : s.verified
            ? html`<p data-testid="email-verified">
              <strong>${s.email}</strong> is confirmed: when you have a second factor, sign-in can also e-mail you a code.
            </p>`
            : html`<p class="muted">Confirm <strong>${s.email}</strong> to get sign-in codes there when your other factor is not at hand.</p>
              <button type="button" @click=${this.#send}>${this.sent ? 'Send another code' : 'Send a code'}</button>
              ${
                this.sent
                  ? html`<form class="stack" @submit=${this.#confirm}>
                    <label>Code from the e-mail <input name="code" inputmode="numeric" maxlength="6" autocomplete="one-time-code" required /></label>
                    <button type="submit">Confirm</button>
                  </form>`
                  : null
              }`
      }
    </section>`;
  }

  #send = async () => {
    const res = await passkeyApi.mailVerificationCode();
    this.error = res.ok ? '' : res.error.message;
    if (!res.ok) return;
    this.sent = true;
    this.message = `A code is on its way to ${res.value.sentTo}.`;
  };

  async #confirm(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget as HTMLFormElement).get('code') ?? '').trim();
    const res = await passkeyApi.confirmEmail(code);
    this.error = res.ok ? '' : res.error.message.replace(/^invalid body: code: /, '');
    if (!res.ok) return;
    this.sent = false;
    this.message = 'Address confirmed.';
    await this.refresh();
  }
}

customElements.define('unity-email-codes', UnityEmailCodes);

declare global {
  interface HTMLElementTagNameMap {
    'unity-email-codes': UnityEmailCodes;
  }
}
