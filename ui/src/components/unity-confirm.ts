/**
 * A confirmation dialog for deletions: `await confirmEl.ask(title, text, action)` resolves true
 * when the user confirms, false on Cancel or Escape.
 * @module
 */
import { css, html, LitElement } from 'lit';
import { base, controls } from './styles.js';

export class UnityConfirm extends LitElement {
  static override properties = {
    heading: { state: true },
    text: { state: true },
    action: { state: true },
  };
  declare heading: string;
  declare text: string;
  declare action: string;

  #resolve: ((ok: boolean) => void) | null = null;

  constructor() {
    super();
    this.heading = '';
    this.text = '';
    this.action = 'Delete';
  }

  static override styles = [
    base,
    controls,
    css`
      dialog {
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius);
        background: var(--u-surface);
        color: var(--u-text);
        max-width: 28rem;
      }
      .row {
        display: flex;
        gap: var(--u-space-2);
        justify-content: flex-end;
        margin-top: var(--u-space-4);
      }
      button.danger {
        background: var(--u-bad);
        color: #fff;
      }
    `,
  ];

  async ask(heading: string, text: string, action = 'Delete'): Promise<boolean> {
    this.heading = heading;
    this.text = text;
    this.action = action;
    await this.updateComplete;
    this.#done(false);
    this.renderRoot.querySelector('dialog')?.showModal();
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  #done(ok: boolean): void {
    const r = this.#resolve;
    this.#resolve = null;
    r?.(ok);
  }

  #close(ok: boolean): void {
    this.#done(ok);
    this.renderRoot.querySelector('dialog')?.close();
  }

  override render() {
    return html`<dialog aria-labelledby="confirm-title" @close=${() => this.#done(false)}>
      <h2 id="confirm-title">${this.heading}</h2>
      <p>${this.text}</p>
      <div class="row">
        <button type="button" class="secondary" @click=${() => this.#close(false)}>Cancel</button>
        <button type="button" class="danger" data-testid="confirm" @click=${() => this.#close(true)}>
          ${this.action}
        </button>
      </div>
    </dialog>`;
  }
}

customElements.define('unity-confirm', UnityConfirm);

declare global {
  interface HTMLElementTagNameMap {
    'unity-confirm': UnityConfirm;
  }
}
