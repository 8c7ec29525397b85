/**
 * What the account and administration pages share: the table and form layout, the permission
 * checkbox grid, and a copy-to-clipboard button for secrets shown once.
 * @module
 */
import { ACTIONS, type Permission, RESOURCES } from '@unity/shared';
import { css, html } from 'lit';

export const identityStyles = css`
  section {
    margin-bottom: var(--u-space-5);
  }
  form.row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--u-space-3);
    align-items: end;
  }
  form.row label {
    flex: 1 1 12rem;
  }
  form.stack {
    display: grid;
    gap: var(--u-space-3);
    max-width: 36rem;
  }
  select {
    font: inherit;
    min-height: 2.5rem;
    padding: 0 var(--u-space-2);
    border-radius: var(--u-radius-sm);
    border: 1px solid var(--u-border);
    background: var(--u-surface);
    color: var(--u-text);
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: var(--u-space-2);
    border-bottom: 1px solid var(--u-border);
    vertical-align: top;
  }
  .perms {
    display: grid;
    grid-template-columns: auto repeat(4, 4.5rem);
    gap: var(--u-space-1) var(--u-space-2);
    align-items: center;
    font-size: var(--u-text-sm);
  }
  .perms input {
    width: auto;
    min-height: 0;
  }
  .secret {
    display: flex;
    gap: var(--u-space-2);
    align-items: center;
    padding: var(--u-space-3);
    border: 1px solid var(--u-accent);
    border-radius: var(--u-radius-sm);
    margin: var(--u-space-3) 0;
  }
  .secret code {
    word-break: break-all;
    flex: 1;
  }
  .error {
    color: var(--u-bad);
  }
  :host {
    display: block;
  }
  .tag {
    display: inline-block;
    margin-bottom: 2px;
    font-size: var(--u-text-sm);
    font-family: var(--u-font-mono);
    background: var(--u-surface-2);
    padding: 0 var(--u-space-1);
    border-radius: var(--u-radius-sm);
    margin-right: var(--u-space-1);
  }
`;

/** A resource × action grid of checkboxes named `perm`; only `allowed` ones are enabled. */
export function permissionGrid(allowed: ReadonlySet<Permission> | undefined) {
  return html`<div class="perms" role="group" aria-label="Permissions">
    <span></span>${ACTIONS.map((a) => html`<strong>${a}</strong>`)}
    ${RESOURCES.map(
      (r) =>
        html`<span>${r}</span>${ACTIONS.map((a) => {
          const p: Permission = `${r}:${a}`;
          return html`<input
          type="checkbox"
          name="perm"
          value=${p}
          aria-label=${p}
          ?disabled=${allowed !== undefined && !allowed.has(p)}
        />`;
        })}`,
    )}
  </div>`;
}

export const checkedPermissions = (form: HTMLFormElement): Permission[] =>
  new FormData(form).getAll('perm').map(String) as Permission[];

/** A secret shown once, with a button that copies it. */
export function onceSecret(label: string, value: string, copied: boolean, onCopy: () => void) {
  return html`<div class="secret" role="status">
    <div>
      <strong>${label}</strong>
      <p class="muted">Copy it now: it is not shown again.</p>
      <code data-testid="secret">${value}</code>
    </div>
    <button type="button" class="secondary" @click=${onCopy} data-testid="copy">${copied ? 'Copied' : 'Copy'}</button>
  </div>`;
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
