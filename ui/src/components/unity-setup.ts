/**
 * First-admin setup, reached through the one-time URL the hub prints (`/setup?token=…`) when it
 * has no users. Fires `signed-in` on success: the hub signs the new admin in.
 * @module
 */
import { html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { authCard, submitAuth, usernameField } from './auth-card.js';
import { base, controls } from './styles.js';

/** The password policy's floor without a second factor (NIST 800-63B), shown while typing. */
export const MIN_PASSWORD = 15;

export class UnitySetup extends LitElement {
  static override properties = {
    token: {},
    password: { state: true },
    confirm: { state: true },
    touched: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare token: string | null;
  declare password: string;
  declare confirm: string;
  declare touched: boolean;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.token = null;
    this.password = '';
    this.confirm = '';
    this.touched = false;
    this.error = '';
    this.busy = false;
  }

  static override styles = [base, controls, authCard];

  override render() {
    if (!this.token) {
      return html`<div class="card">
        <h1>Set up Unity</h1>
        <p class="lead">
          This page needs the one-time setup link the hub printed when it started
          (<span class="mono">/setup?token=…</span>). Copy the whole link from the hub's log.
        </p>
        <a href="/login">Go to sign-in</a>
      </div>`;
    }
    const short = this.password.length > 0 && this.password.length < MIN_PASSWORD;
    const mismatch = this.touched && this.confirm.length > 0 && this.confirm !== this.password;
    return html`<div class="card">
      <h1>Create the first admin</h1>
      <p class="lead">This account can add hosts and invite other users.</p>
      <form @submit=${this.#submit} novalidate>
        ${usernameField}
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minlength=${MIN_PASSWORD}
            aria-describedby="pw-hint"
            aria-invalid=${short ? 'true' : 'false'}
            @input=${(e: Event) => {
              this.password = (e.target as HTMLInputElement).value;
            }}
          />
          <span id="pw-hint" class=${short ? 'hint bad' : 'hint'}>
            At least ${MIN_PASSWORD} characters${short ? ` (${MIN_PASSWORD - this.password.length} more)` : ''}.
          </span>
        </label>
        <label>
          Confirm password
          <input
            name="confirm"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby="confirm-hint"
            aria-invalid=${mismatch ? 'true' : 'false'}
            @input=${(e: Event) => {
              this.confirm = (e.target as HTMLInputElement).value;
            }}
            @blur=${() => {
              this.touched = true;
            }}
          />
          <span id="confirm-hint" class="hint bad" aria-live="polite">${mismatch ? 'The passwords do not match.' : ''}</span>
        </label>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
        <button type="submit" ?disabled=${this.busy}>Create admin and sign in</button>
      </form>
    </div>`;
  }

  async #submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    this.touched = true;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const username = String(form.get('username') ?? '').trim();
    const problem = !username
      ? 'Choose a username.'
      : this.password.length < MIN_PASSWORD
        ? `The password needs at least ${MIN_PASSWORD} characters.`
        : this.password !== this.confirm
          ? 'The passwords do not match.'
          : '';
    if (problem) {
      this.error = problem;
      return;
    }
    const token = this.token;
    if (!token) return;
    await submitAuth(
      this,
      () => api.setup({ token, username, password: this.password }),
      (f) => f.message,
    );
  }
}

customElements.define('unity-setup', UnitySetup);

declare global {
  interface HTMLElementTagNameMap {
    'unity-setup': UnitySetup;
  }
}
