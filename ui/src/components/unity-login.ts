/**
 * The sign-in page: the password (or a passkey alone: the button, or the browser's passkey
 * autofill on the username field), then, for an account with two-factor authentication, a code
 * from the authenticator app, a backup code, a passkey or a code by e-mail, whichever the hub
 * offers (with "remember this device"). On success it fires `signed-in` (with the user) and the
 * shell navigates on.
 * @module
 */
import type { Me, SecondFactorRequired, SsoSignInOptions } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { passkeyApi } from '../api/passkey-client.js';
import { secondFactorApi } from '../api/second-factor-client.js';
import { ssoApi } from '../api/sso-client.js';
import { authCard, submitAuth, usernameField } from './auth-card.js';
import {
  autofillSupported,
  cancelPasskeyPrompt,
  passkeySecondFactor,
  passkeysSupported,
  signInWithPasskey,
} from './passkey-ceremony.js';
import { ssoErrorMessage } from './sso-messages.js';
import { base, controls } from './styles.js';

export class UnityLogin extends LitElement {
  static override properties = {
    setupRequired: { type: Boolean, attribute: 'setup-required' },
    error: { state: true },
    busy: { state: true },
    step: { state: true },
    backup: { state: true },
    methods: { state: true },
    emailMode: { state: true },
    info: { state: true },
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
  /** What the hub offered for the second step. */
  declare methods: SecondFactorRequired['methods'];
  /** The code step takes a code the hub mailed. */
  declare emailMode: boolean;
  declare info: string;
  /** The identity providers offered, and whether the password form is shown at all. */
  declare sso: SsoSignInOptions;

  constructor() {
    super();
    this.setupRequired = false;
    this.error = '';
    this.busy = false;
    this.step = 'password';
    this.backup = false;
    this.methods = ['totp', 'backup_code'];
    this.emailMode = false;
    this.info = '';
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

  #lead(): string {
    if (this.emailMode) return 'Enter the 6-digit code we e-mailed you.';
    if (this.backup) return 'Enter one of your backup codes. Each works once.';
    if (this.methods.includes('totp')) return 'Enter the 6-digit code from your authenticator app.';
    return 'Confirm with your passkey.';
  }

  #renderCode() {
    const m = this.methods;
    const codeForm = m.includes('totp') || this.emailMode;
    return html`<div class="card">
      <h1>Two-factor authentication</h1>
      <p class="lead">${this.#lead()}</p>
      ${this.info ? html`<p role="status" data-testid="login-info">${this.info}</p>` : null}
      <form @submit=${this.#submitCode} novalidate>
        ${codeForm ? this.#codeInput() : null}
        <label class="check">
          <input name="rememberDevice" type="checkbox" data-testid="remember-device" />
          Remember this device (no code here for a while)
        </label>
        ${this.error ? html`<p class="error" role="alert" data-testid="login-error">${this.error}</p>` : null}
        ${codeForm ? html`<button type="submit" ?disabled=${this.busy}>Verify</button>` : null}
        ${
          m.includes('passkey')
            ? html`<button type="button" data-testid="passkey-second-factor" ?disabled=${this.busy} @click=${this.#passkeyStep}>
              Use a passkey
            </button>`
            : null
        }
        ${
          m.includes('totp') && !this.emailMode
            ? html`<button type="button" class="link" data-testid="use-backup" @click=${this.#toggleBackup}>
              ${this.backup ? 'Use the authenticator app' : 'Use a backup code'}
            </button>`
            : null
        }
        ${
          m.includes('email')
            ? html`<button type="button" class="link" data-testid="email-code-send" @click=${this.#mailCode}>
              ${this.emailMode ? 'Send another code' : 'E-mail me a code'}
            </button>`
            : null
        }
        <button type="button" class="link" @click=${this.#restart}>Start over</button>
      </form>
    </div>`;
  }

  #codeInput() {
    const long = this.backup && !this.emailMode;
    return html`<label>
      ${long ? 'Backup code' : 'Code'}
      <input
        name="code"
        data-testid="second-factor-code"
        autocomplete="one-time-code"
        inputmode=${long ? 'text' : 'numeric'}
        maxlength=${long ? 24 : 6}
        autocapitalize="none"
        spellcheck="false"
        required
      />
    </label>`;
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
        ${
          // Not "Sign in with…": the password's submit button keeps the only "Sign in" name.
          passkeysSupported()
            ? html`<button type="button" data-testid="passkey-sign-in" ?disabled=${this.busy} @click=${this.#passkeySignIn}>
              Continue with a passkey
            </button>`
            : null
        }
      </form>`;
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name=username]')?.focus();
    // The browser offers passkeys in the username field's autofill (conditional mediation); the
    // request waits until one is picked, and the button's request replaces it.
    void autofillSupported().then((ok) => {
      if (ok && !this.setupRequired) void this.#passkeySignIn(undefined, true);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelPasskeyPrompt();
  }

  #checked(name: string): boolean {
    return this.renderRoot.querySelector<HTMLInputElement>(`input[name=${name}]`)?.checked === true;
  }

  #signedIn(me: Me): void {
    this.dispatchEvent(new CustomEvent<Me>('signed-in', { detail: me, bubbles: true, composed: true }));
  }

  #passkeySignIn = async (_e?: Event, autofill = false): Promise<void> => {
    if (!autofill) {
      this.busy = true;
      this.error = '';
    }
    const res = await signInWithPasskey(this.#checked('remember'), autofill);
    if (!autofill) this.busy = false;
    if (res.ok) this.#signedIn(res.value);
    // A cancelled autofill request (the button was used, or the page left) is nothing to show.
    else if (!autofill && this.step === 'password') this.error = res.message;
  };

  #passkeyStep = async (): Promise<void> => {
    this.busy = true;
    this.error = '';
    const res = await passkeySecondFactor(this.#checked('rememberDevice'));
    this.busy = false;
    if (res.ok) this.#signedIn(res.value);
    else this.error = res.message;
  };

  #mailCode = async (): Promise<void> => {
    this.error = '';
    const res = await passkeyApi.mailSignInCode();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.emailMode = true;
    this.backup = false;
    this.info = `A code is on its way to ${res.value.sentTo}.`;
    void this.updateComplete.then(() => this.#focusCode());
  };

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
      (required) => {
        cancelPasskeyPrompt();
        this.methods = required.methods;
        this.emailMode = false;
        this.info = '';
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
    this.emailMode = false;
    this.info = '';
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
      () =>
        secondFactorApi.challenge({
          code,
          rememberDevice: form.get('rememberDevice') === 'on',
          ...(this.emailMode ? { method: 'email' as const } : {}),
        }),
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
