/**
 * Roles and bindings (admins): the built-in roles and their permissions, custom roles made from
 * a permission grid, and bindings that grant a role to a user or group, everywhere or only on
 * hosts with given labels or ids (`team=media`).
 * @module
 */
import type { Binding, Group, Role, Scope, User } from '@unity/shared';
import { html, LitElement } from 'lit';
import { identityApi } from '../api/identity-client.js';
import { secondFactorApi } from '../api/second-factor-client.js';
import { checkedPermissions, identityStyles, permissionGrid } from './identity-shared.js';
import { base, controls, surfaces } from './styles.js';

/** `team=media, env=prod` and host ids (uuids) into a scope; empty text is "everywhere". */
export function parseScope(labelsText: string, hostsText: string): Scope | null {
  const labels: Record<string, string> = {};
  for (const pair of labelsText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, ...v] = pair.split('=');
    if (k) labels[k.trim()] = v.join('=').trim();
  }
  const hostIds = hostsText.split(/[\s,]+/).filter(Boolean);
  if (hostIds.length === 0 && Object.keys(labels).length === 0) return null;
  return { ...(hostIds.length ? { hostIds } : {}), ...(Object.keys(labels).length ? { labels } : {}) };
}

const scopeText = (s: Scope | null) =>
  s === null
    ? 'everywhere'
    : [
        ...Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`),
        ...(s.hostIds ?? []).map((h) => `host ${h.slice(0, 8)}`),
      ].join(', ');

export class UnityRoles extends LitElement {
  static override properties = {
    roles: { state: true },
    bindings: { state: true },
    users: { state: true },
    groups: { state: true },
    error: { state: true },
  };
  declare roles: Role[];
  declare bindings: Binding[];
  declare users: User[];
  declare groups: Group[];
  declare error: string;

  constructor() {
    super();
    this.roles = [];
    this.bindings = [];
    this.users = [];
    this.groups = [];
    this.error = '';
  }

  static override styles = [base, controls, surfaces, identityStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    const [roles, bindings, users, groups] = await Promise.all([
      identityApi.roles(),
      identityApi.bindings(),
      identityApi.users(),
      identityApi.groups(),
    ]);
    if (!roles.ok) this.error = roles.error.message;
    if (roles.ok) this.roles = roles.value;
    if (bindings.ok) this.bindings = bindings.value;
    if (users.ok) this.users = users.value;
    if (groups.ok) this.groups = groups.value;
  }

  override render() {
    return html`<h1>Roles</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      <table>
        <thead><tr><th>Role</th><th>Permissions</th><th>Require 2FA</th><th></th></tr></thead>
        <tbody>
          ${this.roles.map(
            (r) => html`<tr data-testid="role-row">
              <td><strong>${r.name}</strong>${r.builtIn ? html` <span class="muted">(built in)</span>` : null}<br /><span class="muted">${r.description}</span></td>
              <td>${r.permissions.map((p) => html`<span class="tag">${p}</span>`)}</td>
              <td>
                <label title="Members must set up two-factor authentication before using anything else">
                  <input
                    type="checkbox"
                    data-testid="require-2fa"
                    aria-label="Require two-factor authentication for ${r.name}"
                    .checked=${r.requireSecondFactor}
                    @change=${(e: Event) => this.#setRequirement(r.id, (e.target as HTMLInputElement).checked)}
                  />
                </label>
              </td>
              <td>${r.builtIn ? null : html`<button class="secondary" @click=${() => this.#deleteRole(r)}>Delete</button>`}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <section class="card">
        <h2>New role</h2>
        <form class="stack" @submit=${this.#createRole} data-testid="new-role">
          <label>Name <input name="name" required maxlength="64" /></label>
          <label>Description <input name="description" maxlength="512" /></label>
          ${permissionGrid(undefined)}
          <button type="submit">Create role</button>
        </form>
      </section>
      <h2>Bindings</h2>
      <table>
        <thead><tr><th>Role</th><th>Granted to</th><th>Where</th><th></th></tr></thead>
        <tbody>
          ${this.bindings.map(
            (b) => html`<tr data-testid="binding-row">
              <td>${b.roleName}</td>
              <td>${b.groupId ? 'group ' : ''}${b.subjectName}</td>
              <td>${scopeText(b.scope)}</td>
              <td><button class="secondary" @click=${() => this.#deleteBinding(b)}>Remove</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
      <section class="card">
        <h2>Grant a role</h2>
        <form class="row" @submit=${this.#createBinding} data-testid="new-binding">
          <label
            >Role
            <select name="role">${this.roles.map((r) => html`<option value=${r.id}>${r.name}</option>`)}</select>
          </label>
          <label
            >To
            <select name="subject">
              ${this.users.map((u) => html`<option value="user:${u.id}">${u.username}</option>`)}
              ${this.groups.map((g) => html`<option value="group:${g.id}">group ${g.name}</option>`)}
            </select>
          </label>
          <label>Only hosts labelled <input name="labels" placeholder="team=media" /></label>
          <label>Only host ids <input name="hosts" placeholder="(optional)" /></label>
          <button type="submit">Grant</button>
        </form>
      </section>`;
  }

  async #setRequirement(roleId: string, required: boolean): Promise<void> {
    const res = await secondFactorApi.setRoleRequirement(roleId, required);
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }

  async #createRole(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const res = await identityApi.createRole({
      name: String(data.get('name') ?? '').trim(),
      description: String(data.get('description') ?? ''),
      permissions: checkedPermissions(form),
    });
    this.error = res.ok ? '' : res.error.message;
    if (res.ok) form.reset();
    await this.#load();
  }

  async #deleteRole(r: Role): Promise<void> {
    const res = await identityApi.deleteRole(r.id);
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }

  async #createBinding(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const [kind, subjectId] = String(data.get('subject') ?? '').split(':');
    const res = await identityApi.createBinding({
      roleId: String(data.get('role') ?? ''),
      ...(kind === 'group' ? { groupId: subjectId } : { userId: subjectId }),
      scope: parseScope(String(data.get('labels') ?? ''), String(data.get('hosts') ?? '')),
    });
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }

  async #deleteBinding(b: Binding): Promise<void> {
    const res = await identityApi.deleteBinding(b.id);
    this.error = res.ok ? '' : res.error.message;
    await this.#load();
  }
}

customElements.define('unity-roles', UnityRoles);

declare global {
  interface HTMLElementTagNameMap {
    'unity-roles': UnityRoles;
  }
}
