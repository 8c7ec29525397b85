/**
 * Groups (admins): named sets of users that carry roles through bindings.
 * @module
 */
import type { Group, User } from '@unity/shared';
import { html, LitElement } from 'lit';
import { identityApi } from '../api/identity-client.js';
import { identityStyles } from './identity-shared.js';
import { base, controls, surfaces } from './styles.js';

export class UnityGroups extends LitElement {
  static override properties = { groups: { state: true }, users: { state: true }, error: { state: true } };
  declare groups: Group[];
  declare users: User[];
  declare error: string;

  constructor() {
    super();
    this.groups = [];
    this.users = [];
    this.error = '';
  }

  static override styles = [base, controls, surfaces, identityStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const [groups, users] = await Promise.all([identityApi.groups(), identityApi.users()]);
    if (groups.ok) this.groups = groups.value;
    else this.error = groups.error.message;
    if (users.ok) this.users = users.value;
  }

  override render() {
    return html`<h1>Groups</h1>
      <p class="muted">A group's members get the roles bound to it on <a href="/settings/roles">Roles</a>.</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <section class="card">
        <h2>New group</h2>
        <form class="stack" @submit=${this.#create}>
          <label>Name <input name="name" required maxlength="64" /></label>
          <label>Description <input name="description" maxlength="512" /></label>
          <fieldset>
            <legend>Members</legend>
            ${this.users.map(
              (u) =>
                html`<label class="check"><input type="checkbox" name="member" value=${u.id} />${u.username}</label>`,
            )}
          </fieldset>
          <button type="submit">Create group</button>
        </form>
      </section>
      <table>
        <thead><tr><th>Group</th><th>Members</th><th></th></tr></thead>
        <tbody>
          ${this.groups.map(
            (g) => html`<tr data-testid="group-row">
              <td><strong>${g.name}</strong><br /><span class="muted">${g.description}</span></td>
              <td>${g.members.map((m) => html`<span class="tag">${m.username}</span>`)}</td>
              <td><button class="secondary" @click=${() => this.#delete(g)}>Delete</button></td>
            </tr>`,
          )}
        </tbody>
      </table>`;
  }

  async #create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const res = await identityApi.createGroup({
      name: String(data.get('name') ?? '').trim(),
      description: String(data.get('description') ?? ''),
      memberIds: data.getAll('member').map(String),
    });
    this.error = res.ok ? '' : res.error.message;
    if (res.ok) form.reset();
    await this.#load();
  }

  async #delete(g: Group): Promise<void> {
    const res = await identityApi.deleteGroup(g.id);
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }
}

customElements.define('unity-groups', UnityGroups);

declare global {
  interface HTMLElementTagNameMap {
    'unity-groups': UnityGroups;
  }
}
