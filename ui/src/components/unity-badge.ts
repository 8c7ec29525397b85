/**
 * A small status pill (online/offline, container state). Colour is never the only signal: the
 * text says the state too.
 * @module
 */
import { css, html, LitElement } from 'lit';

export type BadgeTone = 'ok' | 'bad' | 'warn' | 'neutral';

export class UnityBadge extends LitElement {
  static override properties = { tone: { reflect: true } };
  declare tone: BadgeTone;

  constructor() {
    super();
    this.tone = 'neutral';
  }

  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.35em;
      padding: 0.1em 0.6em;
      border-radius: 999px;
      font-size: var(--u-text-sm);
      font-weight: 600;
      white-space: nowrap;
      background: var(--u-neutral-bg);
      color: var(--u-text-muted);
    }
    :host::before {
      content: '';
      width: 0.5em;
      height: 0.5em;
      border-radius: 50%;
      background: currentColor;
    }
    :host([tone='ok']) {
      background: var(--u-ok-bg);
      color: var(--u-ok);
    }
    :host([tone='bad']) {
      background: var(--u-bad-bg);
      color: var(--u-bad);
    }
    :host([tone='warn']) {
      background: var(--u-warn-bg);
      color: var(--u-warn);
    }
  `;

  override render() {
    return html`<slot></slot>`;
  }
}

customElements.define('unity-badge', UnityBadge);

declare global {
  interface HTMLElementTagNameMap {
    'unity-badge': UnityBadge;
  }
}
