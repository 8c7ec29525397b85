/**
 * "Add host": creates a single-use enrollment token and shows the one-line install command to
 * paste on the new host, with a copy button and the expiry.
 * @module
 */
import type { EnrollmentToken } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { formatUntil } from '../format.js';
import { base, controls, surfaces } from './styles.js';

export class UnityAddHost extends LitElement {
  static override properties = {
    token: { state: true },
    error: { state: true },
    busy: { state: true },
    copied: { state: true },
  };
  declare token: EnrollmentToken | null;
  declare error: string;
  declare busy: boolean;
  declare copied: boolean;

  constructor() {
    super();
    this.token = null;
    this.error = '';
    this.busy = false;
    this.copied = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .card {
        max-width: 56rem;
        display: grid;
        gap: var(--u-space-4);
      }
      p {
        margin: 0;
      }
      ol {
        margin: 0;
        padding-left: 1.25rem;
        display: grid;
        gap: var(--u-space-1);
      }
      .command {
        display: flex;
        align-items: stretch;
        gap: var(--u-space-2);
        flex-wrap: wrap;
      }
      pre {
        flex: 1 1 20rem;
        min-width: 0;
        margin: 0;
        padding: var(--u-space-3);
        background: var(--u-surface-2);
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
        font-family: var(--u-font-mono);
        font-size: var(--u-text-sm);
        white-space: pre-wrap;
        word-break: break-all;
        user-select: all;
      }
      .actions {
        display: flex;
        gap: var(--u-space-3);
        flex-wrap: wrap;
        align-items: center;
      }
    `,
  ];

  override render() {
    const t = this.token;
    return html`<div class="page-head"><h1>Add host</h1></div>
      <div class="card">
        <ol>
          <li>Create an install command. It holds a fresh enrollment token.</li>
          <li>Paste it into a root shell on the Linux host you want to monitor.</li>
          <li>The host shows up on the overview as soon as its agent connects.</li>
        </ol>
        ${
          t
            ? html`<div class="command">
                <pre data-testid="install-command" aria-label="Install command">${t.installCommand}</pre>
                <button type="button" class="secondary" @click=${this.#copy} data-testid="copy">
                  ${this.copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              <p class="muted" data-testid="token-expiry">
                ${
                  t.maxUses === 1
                    ? 'Single use: it enrolls one host.'
                    : `It can enroll up to ${t.maxUses} hosts.`
                }
                Expires ${formatUntil(t.expiresAt)} (${new Date(t.expiresAt).toLocaleString()}). The token is
                shown only once.
              </p>
              <span class="visually-hidden" role="status">${this.copied ? 'Command copied to the clipboard' : ''}</span>`
            : null
        }
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
        <div class="actions">
          <button type="button" class=${t ? 'secondary' : ''} ?disabled=${this.busy} @click=${this.#create}>
            ${t ? 'Create another command' : 'Create install command'}
          </button>
        </div>
      </div>`;
  }

  async #create(): Promise<void> {
    this.busy = true;
    this.error = '';
    this.copied = false;
    const res = await api.createEnrollmentToken({ maxUses: 1 });
    this.busy = false;
    if (res.ok) {
      this.token = res.value;
      return;
    }
    this.error =
      res.error.status === 403
        ? 'Only admins can add hosts. Ask an admin for an install command.'
        : res.error.message;
  }

  async #copy(): Promise<void> {
    if (!this.token) return;
    try {
      await navigator.clipboard.writeText(this.token.installCommand);
      this.copied = true;
      setTimeout(() => {
        this.copied = false;
      }, 2000);
    } catch {
      // No clipboard access (plain HTTP on another host): select the text for a manual copy.
      const pre = this.renderRoot.querySelector('pre');
      if (pre) getSelection()?.selectAllChildren(pre);
      this.error = 'Could not copy automatically: the command is selected, press Ctrl+C.';
    }
  }
}

customElements.define('unity-add-host', UnityAddHost);

declare global {
  interface HTMLElementTagNameMap {
    'unity-add-host': UnityAddHost;
  }
}
