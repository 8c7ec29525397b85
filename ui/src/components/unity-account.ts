/**
 * My account: display name and email, and a password change with the policy's verdict shown
 * while typing (asked of the hub, which holds the common-password list), and two-factor
 * authentication (unity-second-factor).
 * @module
 */
import type { Profile } from '@unity/shared';
import { html, LitElement } from 'lit';
import { identityApi } from '../api/identity-client.js';
import { passkeyApi } from '../api/passkey-client.js';
import { secondFactorApi } from '../api/second-factor-client.js';
import { identityStyles } from './identity-shared.js';
import './unity-second-factor.js';
import './passkey-settings.js';
import './email-code-settings.js';
import './sso-links.js';
import { base, controls, surfaces } from './styles.js';

export class UnityAccount extends LitElement {
  static override properties = {
    profile: { state: true },
    problems: { state: true },
    message: { state: true },
    error: { state: true },
    twoFactor: { state: true },
  };
  declare profile: Profile | undefined;
  declare problems: string[];
  declare message: string;
  declare error: string;
  /** 2FA is on: the password floor is 8 characters instead of 15. */
  declare twoFactor: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.profile = undefined;
    this.problems = [];
    this.message = '';
    this.error = '';
    this.twoFactor = false;
  }

  static override styles = [base, controls, surfaces, identityStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void identityApi.profile().then((res) => {
      if (res.ok) this.profile = res.value;
      else this.error = res.error.message;
    });
    void this.#loadTwoFactor();
    this.addEventListener('second-factor-changed', () => void this.#loadTwoFactor());
  }

  async #loadTwoFactor(): Promise<void> {
    const [res, keys] = await Promise.all([secondFactorApi.status(), passkeyApi.list()]);
    // A passkey is a second factor too (the hub lowers the floor for either).
    if (res.ok) this.twoFactor = res.value.enabled || (keys.ok && keys.value.items.length > 0);
  }

  override render() {
    const p = this.profile;
    if (!p) return html`<h1>My account</h1>${this.error ? html`<p class="error">${this.error}</p>` : null}`;
    return html`<h1>My account</h1>
      <p class="muted">
        Signed in as <strong>${p.username}</strong>${p.role ? html` (${p.role})` : null}.
        <a href="/settings/api-keys">API keys</a>
      </p>
      ${this.message ? html`<p role="status" data-testid="account-message">${this.message}</p>` : null}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <section class="card">
        <h2>Profile</h2>
        <form class="stack" @submit=${this.#saveProfile}>
          <label>Display name <input name="displayName" .value=${p.displayName} maxlength="128" /></label>
          <label>Email <input name="email" type="email" .value=${p.email} maxlength="256" /></label>
          <button type="submit">Save profile</button>
        </form>
      </section>
      <section class="card">
        <h2>Change password</h2>
        <form class="stack" @submit=${this.#changePassword}>
          <label
            >Current password
            <input name="currentPassword" type="password" autocomplete="current-password" required />
          </label>
          <label
            >New password
            <input
              name="newPassword"
              type="password"
              autocomplete="new-password"
              required
              aria-describedby="policy"
              aria-invalid=${this.problems.length > 0 ? 'true' : 'false'}
              @input=${this.#onNewPassword}
            />
            <span id="policy" class=${this.problems.length ? 'hint bad' : 'hint'} aria-live="polite" data-testid="policy">
              ${
                this.problems.length
                  ? this.problems.join('; ')
                  : `At least ${this.twoFactor ? 8 : 15} characters; a passphrase of several words works well.`
              }
            </span>
          </label>
          <button type="submit">Change password</button>
        </form>
      </section>
      <unity-second-factor></unity-second-factor>
      <unity-passkeys></unity-passkeys>
      <unity-email-codes></unity-email-codes>
      <unity-sso-links></unity-sso-links>`;
  }

  #onNewPassword = (e: Event) => {
    const value = (e.target as HTMLInputElement).value;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      if (!value) {
        this.problems = [];
        return;
      }
      const res = await identityApi.checkPassword(value);
      if (res.ok) this.problems = res.value.problems;
    }, 250);
  };

  async #saveProfile(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const res = await identityApi.updateProfile({
      displayName: String(data.get('displayName') ?? ''),
      email: String(data.get('email') ?? ''),
    });
    this.error = res.ok ? '' : res.error.message;
    if (res.ok) {
      this.profile = res.value;
      this.message = 'Profile saved.';
      void this.renderRoot.querySelector('unity-email-codes')?.refresh();
    }
  }

  async #changePassword(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const res = await identityApi.changePassword({
      currentPassword: String(data.get('currentPassword') ?? ''),
      newPassword: String(data.get('newPassword') ?? ''),
    });
    if (!res.ok) {
      this.error = res.error.message;
      this.message = '';
      return;
    }
    this.error = '';
    this.message = 'Password changed. Your other sessions were signed out.';
    form.reset();
    this.problems = [];
  }
}

customElements.define('unity-account', UnityAccount);

declare global {
  interface HTMLElementTagNameMap {
    'unity-account': UnityAccount;
  }
}
