/**
 * The sign-in page: the password, then, for an account with two-factor authentication, a code
 * from the authenticator app or a backup code (with "remember this device"). On success it
 * fires `signed-in` (with the user) and the shell navigates on.
 * @module
 */
import type { SsoSignInOptions } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { secondFactorApi } from '../api/second-factor-client.js';
import { ssoApi } from '../api/sso-client.js';
import { authCard, submitAuth, usernameField } from './auth-card.js';
import { ssoErrorMessage } from './sso-messages.js';
import { base, controls } from './styles.js';

export class UnityLogin extends LitElement {
  static override properties = {
    setupRequired: { type: Boolean, attribute: 'setup-required' },
    error: { state: true },
    busy: { state: true },
    step: { state: true },
    backup: { state: true },
    sso: { state: true },
  };
  /** No account exists yet: explain where the setup link is. */
  declare setupRequired: boolean;
  declare error: string;
  declare busy: boolean;
  /** The password step, or the code step once the hub asked for a second factor. */
  declare step: 'password' | 'code';
  /** The code step takes a backup code instead of an authenticator code. */
  declare backup: boolean;
  /** The identity providers offered, and whether the password form is shown at all. */
  declare sso: SsoSignInOptions;

  constructor() {
    super();
    this.setupRequired = false;
    this.error = '';
    this.busy = false;
    this.step = 'password';
    this.backup = false;
    this.sso = { providers: [], passwordSignIn: true };
    // Back from an identity provider: its failure, or the hub asking for this account's code.
    this.error = ssoErrorMessage(location.search);
    if (new URLSearchParams(location.search).get('second_factor') === '1') this.step = 'code';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void ssoApi.signInOptions().then((r) => {
      if (r.ok) this.sso = r.value;
    });
  }

  static override styles = [
    base,
    controls,
    authCard,
    css`
      label.check {
        display: flex;
        flex-direction: row;
        align-items: center;
        gap: var(--u-space-2);
      }
      label.check input {
        width: auto;
        min-height: 0;
      }
      .sso {
        display: grid;
        gap: var(--u-space-2);
        margin-bottom: var(--u-space-3);
      }
      a.sso-button {
        display: block;
        text-align: center;
        padding: var(--u-space-2) var(--u-space-3);
        border: 1px solid var(--u-border, currentColor);
        border-radius: var(--u-radius, 6px);
        color: inherit;
        text-decoration: none;
        font-weight: 600;
      }
      .or {
        text-align: center;
        margin: var(--u-space-2) 0 0;
        opacity: 0.7;
      }
      button.link {
        background: none;
        border: none;
        color: var(--u-accent, inherit);
        text-decoration: underline;
        padding: 0;
        min-height: 0;
        justify-self: start;
      }
    `,
  ];

  override render() {
    return this.step === 'code' ? this.#renderCode() : this.#renderPassword();
  }

  #renderCode() {
    return html`<div class="card">
      <h1>Two-factor authentication</h1>
      <p class="lead">
        ${this.backup ? 'Enter one of your backup codes. Each works once.' : 'Enter the 6-digit code from your authenticator app.'}
      </p>
      <form @submit=${this.#submitCode} novalidate>
        <label>
          ${this.backup ? 'Backup code' : 'Code'}
          <input
            name="code"
            data-testid="second-factor-code"
            autocomplete="one-time-code"
            inputmode=${this.backup ? 'text' : 'numeric'}
            maxlength=${this.backup ? 24 : 6}
            autocapitalize="none"
            spellcheck="false"
            required
          />
        </label>
        <label class="check">
          <input name="rememberDevice" type="checkbox" data-testid="remember-device" />
          Remember this device (no code here for a while)
        </label>
        ${this.error ? html`<p class="error" role="alert" data-testid="login-error">${this.error}</p>` : null}
        <button type="submit" ?disabled=${this.busy}>Verify</button>
        <button type="button" class="link" data-testid="use-backup" @click=${this.#toggleBackup}>
          ${this.backup ? 'Use the authenticator app' : 'Use a backup code'}
        </button>
        <button type="button" class="link" @click=${this.#restart}>Start over</button>
      </form>
    </div>`;
  }

  #renderPassword() {
    return html`<div class="card">
      <h1>Sign in to Unity</h1>
      <p class="lead">Monitoring for your hosts and containers.</p>
      ${
        this.setupRequired
          ? html`<p class="error" role="status">
            No account exists yet. Open the one-time setup link the hub printed in its log to create the
            first admin.
          </p>`
          : null
      }
      ${this.#renderProviders()}
      ${
        this.sso.passwordSignIn
          ? this.#renderPasswordForm()
          : this.error
            ? html`<p class="error" role="alert" data-testid="login-error">${this.error}</p>`
            : null
      }
    </div>`;
  }

  #renderProviders() {
    if (this.sso.providers.length === 0) return null;
    const next = new URLSearchParams(location.search).get('next') ?? '/';
    return html`<div class="sso" data-testid="sso-providers">
      ${this.sso.providers.map(
        (p) =>
          html`<a class="sso-button" target="_self" href=${ssoApi.startUrl(p.id, next.startsWith('/') ? next : '/')} data-testid="sso-${p.id}"
            >Sign in with ${p.name}</a
          >`,
      )}
      ${this.sso.passwordSignIn ? html`<p class="or">or with your password</p>` : null}
    </div>`;
  }

  #renderPasswordForm() {
    return html`<form @submit=${this.#submit} novalidate>
        ${usernameField}
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <label class="check">
          <input name="remember" type="checkbox" data-testid="remember" />
          Remember me on this device
        </label>
        ${this.error ? html`<p class="error" role="alert" data-testid="login-error">${this.error}</p>` : null}
        <button type="submit" ?disabled=${this.busy}>Sign in</button>
      </form>`;
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name=username]')?.focus();
  }

  async #submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const username = String(form.get('username') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!username || !password) {
      this.error = 'Enter your username and password.';
      return;
    }
    await submitAuth(
      this,
      () => api.login({ username, password, remember: form.get('remember') === 'on' }),
      (f) => (f.status === 401 ? 'Wrong username or password.' : f.message || 'Sign-in failed.'),
      () => {
        this.step = 'code';
        void this.updateComplete.then(() => this.#focusCode());
      },
    );
  }

  #focusCode(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name=code]')?.focus();
  }

  #toggleBackup = () => {
    this.backup = !this.backup;
    this.error = '';
    void this.updateComplete.then(() => this.#focusCode());
  };

  #restart = () => {
    this.step = 'password';
    this.backup = false;
    this.error = '';
  };

  async #submitCode(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const code = String(form.get('code') ?? '').trim();
    if (!code) {
      this.error = 'Enter the code.';
      return;
    }
    await submitAuth(
      this,
      () => secondFactorApi.challenge({ code, rememberDevice: form.get('rememberDevice') === 'on' }),
      (f) =>
        f.status === 401
          ? f.message.startsWith('sign in')
            ? 'This sign-in expired; start over with your password.'
            : 'That code is wrong or was already used.'
          : f.message || 'Verification failed.',
    );
  }
}

customElements.define('unity-login', UnityLogin);

declare global {
  interface HTMLElementTagNameMap {
    'unity-login': UnityLogin;
  }
}
