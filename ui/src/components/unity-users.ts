/**
 * Users (admins): the list with role, state and last sign-in; change a role, disable or enable,
 * delete; add a user with a password; make an invite link shown once with a copy button.
 * @module
 */
import type { BuiltInRole, User } from '@unity/shared';
import { html, LitElement } from 'lit';
import { identityApi } from '../api/identity-client.js';
import { formatRelative } from '../format.js';
import { copyText, identityStyles, onceSecret } from './identity-shared.js';
import { base, controls, surfaces } from './styles.js';

const ROLE_CHOICES: { value: string; label: string }[] = [
  { value: 'admin', label: 'admin' },
  { value: 'editor', label: 'editor' },
  { value: 'viewer', label: 'viewer' },
  { value: '', label: 'none (bindings only)' },
];

const roleOf = (v: FormDataEntryValue | null | string): BuiltInRole | null =>
  v === 'admin' || v === 'editor' || v === 'viewer' ? v : null;

export class UnityUsers extends LitElement {
  static override properties = {
    users: { state: true },
    invite: { state: true },
    copied: { state: true },
    error: { state: true },
  };
  declare users: User[];
  declare invite: string;
  declare copied: boolean;
  declare error: string;

  constructor() {
    super();
    this.users = [];
    this.invite = '';
    this.copied = false;
    this.error = '';
  }

  static override styles = [base, controls, surfaces, identityStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const res = await identityApi.users();
    if (res.ok) this.users = res.value;
    else this.error = res.error.message;
  }

  #roleSelect(name: string, value: string, onChange?: (e: Event) => void) {
    return html`<select name=${name} aria-label="Role" @change=${onChange}>
      ${ROLE_CHOICES.map((r) => html`<option value=${r.value} ?selected=${r.value === value}>${r.label}</option>`)}
    </select>`;
  }

  override render() {
    return html`<h1>Users</h1>
      <p class="muted"><a href="/settings/roles">Roles and bindings</a> · <a href="/settings/groups">Groups</a></p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.invite
          ? onceSecret('Invite link', this.invite, this.copied, async () => {
              this.copied = await copyText(this.invite);
            })
          : null
      }
      <section class="card">
        <h2>Add a user</h2>
        <form class="row" @submit=${this.#create} data-testid="add-user">
          <label>Username <input name="username" required autocomplete="off" /></label>
          <label>Password <input name="password" type="password" required autocomplete="new-password" /></label>
          <label>Role ${this.#roleSelect('role', 'viewer')}</label>
          <button type="submit">Add user</button>
        </form>
        <h2>Invite someone</h2>
        <form class="row" @submit=${this.#makeInvite}>
          <label>Role ${this.#roleSelect('role', 'viewer')}</label>
          <label>Valid for (hours) <input name="ttl" type="number" min="1" max="168" value="24" /></label>
          <button type="submit" class="secondary">Make invite link</button>
        </form>
      </section>
      <table>
        <thead><tr><th>User</th><th>Role</th><th>State</th><th>Last sign-in</th><th></th></tr></thead>
        <tbody>
          ${this.users.map(
            (u) => html`<tr data-testid="user-row" data-username=${u.username}>
              <td><strong>${u.username}</strong>${u.displayName ? html`<br /><span class="muted">${u.displayName}</span>` : null}</td>
              <td>${this.#roleSelect('role', u.role ?? '', (e) => this.#update(u, { role: roleOf((e.target as HTMLSelectElement).value) }))}</td>
              <td>${u.disabled ? 'disabled' : 'active'}</td>
              <td>${formatRelative(u.lastSignInAt)}</td>
              <td>
                <button class="secondary" @click=${() => this.#update(u, { disabled: !u.disabled })}>
                  ${u.disabled ? 'Enable' : 'Disable'}
                </button>
                <button class="secondary" @click=${() => this.#delete(u)}>Delete</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>`;
  }

  async #create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const res = await identityApi.createUser({
      username: String(data.get('username') ?? '').trim(),
      password: String(data.get('password') ?? ''),
      role: roleOf(data.get('role')),
    });
    this.error = res.ok ? '' : res.error.message;
    if (res.ok) form.reset();
    await this.#load();
  }

  async #makeInvite(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const res = await identityApi.createInvite({
      role: roleOf(data.get('role')),
      ttlHours: Number(data.get('ttl') || 24),
    });
    this.error = res.ok ? '' : res.error.message;
    if (res.ok) {
      this.invite = res.value.url;
      this.copied = false;
    }
  }

  async #update(u: User, patch: { role?: BuiltInRole | null; disabled?: boolean }): Promise<void> {
    const res = await identityApi.updateUser(u.id, patch);
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }

  async #delete(u: User): Promise<void> {
    if (!confirm(`Delete ${u.username}? Their sessions and API keys end.`)) return;
    const res = await identityApi.deleteUser(u.id);
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }
}

customElements.define('unity-users', UnityUsers);

declare global {
  interface HTMLElementTagNameMap {
    'unity-users': UnityUsers;
  }
}
