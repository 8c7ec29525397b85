/**
 * Accepting an invite (`/invite?token=…`): the invitee picks a username and a password held to
 * the policy, then signs in.
 * @module
 */
import { html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { identityApi } from '../api/identity-client.js';
import { authCard, submitAuth, usernameField } from './auth-card.js';
import { base, controls } from './styles.js';

export class UnityInvite extends LitElement {
  static override properties = { token: {}, error: { state: true }, busy: { state: true } };
  declare token: string | null;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.token = null;
    this.error = '';
    this.busy = false;
  }

  static override styles = [base, controls, authCard];

  override render() {
    if (!this.token) {
      return html`<div class="card"><h1>Invite</h1><p class="lead">This page needs the whole invite link.</p></div>`;
    }
    return html`<div class="card">
      <h1>Create your account</h1>
      <p class="lead">You were invited to Unity. Choose a username and a password of at least 15 characters.</p>
      <form @submit=${this.#submit}>
        ${usernameField}
        <label>Password <input name="password" type="password" autocomplete="new-password" required /></label>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
        <button type="submit" ?disabled=${this.busy}>Create account and sign in</button>
      </form>
    </div>`;
  }

  async #submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const token = this.token;
    if (!token) return;
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    await submitAuth(
      this,
      async () => {
        const made = await identityApi.acceptInvite({ token, username, password });
        return made.ok ? api.login({ username, password }) : made;
      },
      (f) => f.message,
    );
  }
}

customElements.define('unity-invite', UnityInvite);

declare global {
  interface HTMLElementTagNameMap {
    'unity-invite': UnityInvite;
  }
}
