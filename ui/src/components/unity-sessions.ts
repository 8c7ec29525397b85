/**
 * "Sessions": where I am signed in (device, address, since, last seen), the current session
 * marked; sign out one other session or all of them. A revoked session is refused on its next
 * request.
 * @module
 */
import type { SessionInfo } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { securityApi } from '../api/security-client.js';
import { formatRelative } from '../format.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

export class UnitySessions extends LitElement {
  static override properties = {
    items: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };
  /** null while loading. */
  declare items: SessionInfo[] | null;
  declare error: string;
  declare notice: string;
  declare busy: boolean;

  constructor() {
    super();
    this.items = null;
    this.error = '';
    this.notice = '';
    this.busy = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .section-head {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: var(--u-space-3);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const res = await securityApi.sessions();
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.error = '';
    this.items = res.value;
  }

  async #revoke(s: SessionInfo): Promise<void> {
    this.busy = true;
    const res = await securityApi.revokeSession(s.id);
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.notice = `Signed out ${s.device ?? 'the session'} (${s.ip ?? 'unknown address'}).`;
    await this.refresh();
  }

  async #revokeOthers(): Promise<void> {
    this.busy = true;
    const res = await securityApi.revokeOtherSessions();
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.notice = `Signed out ${res.value.revoked} other session${res.value.revoked === 1 ? '' : 's'}.`;
    await this.refresh();
  }

  override render() {
    const others = (this.items ?? []).filter((s) => !s.current).length;
    return html`<div class="section-head">
        <h1>Sessions</h1>
        <button
          type="button"
          class="secondary"
          data-testid="revoke-others"
          ?disabled=${this.busy || others === 0}
          @click=${() => void this.#revokeOthers()}
        >
          Sign out all other sessions
        </button>
      </div>
      <p class="muted">Where you are signed in. Sign out any session you do not recognise.</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${this.notice ? html`<p role="status" data-testid="sessions-notice">${this.notice}</p>` : null}
      ${
        this.items === null
          ? html`<p class="muted">Loading…</p>`
          : html`<div class="table-wrap">
              <table data-testid="sessions">
                <thead>
                  <tr>
                    <th>Device</th>
                    <th>Address</th>
                    <th>Signed in</th>
                    <th>Last seen</th>
                    <th>Ends</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${this.items.map(
                    (s) =>
                      html`<tr data-testid="session" data-current=${s.current ? 'true' : 'false'}>
                        <td>
                          ${s.device ?? 'Unknown device'}
                          ${s.current ? html`<unity-badge tone="ok">this session</unity-badge>` : null}
                        </td>
                        <td>${s.ip ?? '—'}</td>
                        <td title=${new Date(s.createdAt).toISOString()}>${formatRelative(s.createdAt)}</td>
                        <td title=${new Date(s.lastSeenAt).toISOString()}>${formatRelative(s.lastSeenAt)}</td>
                        <td title=${new Date(s.expiresAt).toISOString()}>
                          ${s.remember ? 'remembered' : 'when the browser closes'}
                        </td>
                        <td>
                          ${
                            s.current
                              ? null
                              : html`<button
                                  type="button"
                                  class="secondary"
                                  data-testid="revoke"
                                  ?disabled=${this.busy}
                                  @click=${() => void this.#revoke(s)}
                                >
                                  Sign out
                                </button>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`;
  }
}

customElements.define('unity-sessions', UnitySessions);

declare global {
  interface HTMLElementTagNameMap {
    'unity-sessions': UnitySessions;
  }
}
