/**
 * The sign-in page. On success it fires `signed-in` (with the user) and the shell navigates on.
 * @module
 */
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { authCard, submitAuth, usernameField } from './auth-card.js';
import { base, controls } from './styles.js';

export class UnityLogin extends LitElement {
  static override properties = {
    setupRequired: { type: Boolean, attribute: 'setup-required' },
    error: { state: true },
    busy: { state: true },
  };
  /** No account exists yet: explain where the setup link is. */
  declare setupRequired: boolean;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.setupRequired = false;
    this.error = '';
    this.busy = false;
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
    `,
  ];

  override render() {
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
      <form @submit=${this.#submit} novalidate>
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
      </form>
    </div>`;
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
    );
  }
}

customElements.define('unity-login', UnityLogin);

declare global {
  interface HTMLElementTagNameMap {
    'unity-login': UnityLogin;
  }
}
