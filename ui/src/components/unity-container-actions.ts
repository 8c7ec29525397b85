/**
 * The action buttons of a container page: what the container's state allows, for editors and
 * admins (viewers see a note instead), with a confirmation dialog before stop, kill and remove,
 * and the hub's message when an action is refused ("this agent runs with --read-only …").
 * Fires `container-changed` after an action succeeded.
 * @module
 */
import { type Container, type ContainerAction, DESTRUCTIVE_ACTIONS, type Me } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { api } from '../api/client.js';
import { ACTION_LABELS, actionsFor, CONFIRM_TEXT } from './action-choices.js';
import { base, controls } from './styles.js';

export class UnityContainerActions extends LitElement {
  static override properties = {
    container: { attribute: false },
    me: { state: true },
    busy: { state: true },
    error: { state: true },
    pending: { state: true },
  };
  declare container: Container | null;
  declare me: Me | null;
  /** The action in flight. */
  declare busy: ContainerAction | null;
  declare error: string;
  /** The destructive action waiting for confirmation. */
  declare pending: ContainerAction | null;

  constructor() {
    super();
    this.container = null;
    this.me = null;
    this.busy = null;
    this.error = '';
    this.pending = null;
  }

  static override styles = [
    base,
    controls,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-2);
      }
      button.danger-text {
        color: var(--u-bad);
      }
      button.danger {
        background: var(--u-bad);
        color: #fff;
      }
      dialog {
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius);
        background: var(--u-surface);
        color: var(--u-text);
        max-width: 28rem;
      }
      dialog .row {
        justify-content: flex-end;
        margin-top: var(--u-space-4);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.me().then((me) => {
      this.me = me.ok ? me.value : null;
    });
  }

  get #canAct(): boolean {
    return this.me?.permissions?.includes('containers:act') ?? false;
  }

  override render() {
    const c = this.container;
    if (!c || !this.me) return null;
    if (!this.#canAct) {
      return html`<p class="muted" data-testid="actions-viewer">Viewers cannot start or stop containers.</p>`;
    }
    return html`<div class="row" role="group" aria-label="Container actions" data-testid="actions">
        ${actionsFor(c.state).map(
          (a) =>
            html`<button
              type="button"
              class=${DESTRUCTIVE_ACTIONS.has(a) ? 'secondary danger-text' : 'secondary'}
              data-action=${a}
              ?disabled=${this.busy !== null}
              @click=${() => this.#ask(a)}
            >
              ${this.busy === a ? `${ACTION_LABELS[a]}…` : ACTION_LABELS[a]}
            </button>`,
        )}
      </div>
      ${this.error ? html`<p class="error" role="alert" data-testid="action-error">${this.error}</p>` : null}
      <dialog aria-labelledby="confirm-title" @close=${() => (this.pending = null)}>
        <h2 id="confirm-title">${this.pending ? `${ACTION_LABELS[this.pending]} ${c.name}?` : ''}</h2>
        <p>${this.pending ? CONFIRM_TEXT[this.pending] : ''}</p>
        <div class="row">
          <button type="button" class="secondary" @click=${this.#cancel}>Cancel</button>
          <button type="button" class="danger" data-testid="confirm" @click=${this.#confirm}>
            ${this.pending ? ACTION_LABELS[this.pending] : ''}
          </button>
        </div>
      </dialog>`;
  }

  #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  #ask(action: ContainerAction): void {
    if (!DESTRUCTIVE_ACTIONS.has(action)) {
      void this.#run(action);
      return;
    }
    this.pending = action;
    this.#dialog()?.showModal();
  }

  #cancel = () => {
    this.#dialog()?.close();
  };

  #confirm = () => {
    const action = this.pending;
    this.#dialog()?.close();
    if (action) void this.#run(action);
  };

  async #run(action: ContainerAction): Promise<void> {
    const c = this.container;
    if (!c) return;
    this.busy = action;
    this.error = '';
    // A running container is removed by force: the dialog said it would be stopped.
    const body = action === 'remove' && c.state !== 'exited' && c.state !== 'created' ? { force: true } : {};
    const res = await api.containerAction(c.id, action, body);
    this.busy = null;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.dispatchEvent(
      new CustomEvent('container-changed', { detail: { action }, bubbles: true, composed: true }),
    );
  }
}

customElements.define('unity-container-actions', UnityContainerActions);

declare global {
  interface HTMLElementTagNameMap {
    'unity-container-actions': UnityContainerActions;
  }
}
