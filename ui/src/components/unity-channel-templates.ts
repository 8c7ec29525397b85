/**
 * The message templates of a channel, inside its form: title (an email's subject), body (an
 * email's text part) and, for email, the HTML part, in the alert templates' `{{variable}}`
 * language; empty ones keep the built-in message. "Preview" renders them (and a webhook's JSON
 * body template) against a sample alert group on the hub, showing what would be sent, the
 * variables there are, and any the templates use that do not exist. Fires `templates-change`.
 * @module
 */
import type { ChannelPreview, ChannelTemplates, ChannelType } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { notifyApi } from '../api/notify-client.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';

export class UnityChannelTemplates extends LitElement {
  static override properties = {
    type: { attribute: false },
    channelId: { attribute: false },
    templates: { attribute: false },
    bodyTemplate: { attribute: false },
    preview: { state: true },
    status: { state: true },
    busy: { state: true },
    error: { state: true },
  };
  declare type: ChannelType;
  /** The saved channel, if any (its preview uses the hub's name for it). */
  declare channelId: string | null;
  declare templates: ChannelTemplates;
  /** The webhook's JSON body template, from the settings fields. */
  declare bodyTemplate: string;
  declare preview: ChannelPreview | null;
  declare status: 'firing' | 'resolved';
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.type = 'webhook';
    this.channelId = null;
    this.templates = {};
    this.bodyTemplate = '';
    this.preview = null;
    this.status = 'firing';
    this.busy = false;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      .out {
        display: grid;
        gap: var(--u-space-2);
      }
      pre {
        margin: 0;
        padding: var(--u-space-2);
        background: var(--u-surface-2, var(--u-surface));
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: var(--u-font-mono);
        font-size: var(--u-text-sm);
        max-height: 20rem;
        overflow: auto;
      }
      iframe {
        width: 100%;
        height: 22rem;
        border: 1px solid var(--u-border);
        border-radius: var(--u-radius-sm);
        background: #fff;
      }
      .row select {
        width: auto;
      }
      .warn {
        color: var(--u-warn, var(--u-bad));
      }
    `,
  ];

  #set(key: keyof ChannelTemplates, value: string) {
    const next = { ...this.templates };
    if (value.trim()) next[key] = value;
    else delete next[key];
    this.templates = next;
    this.dispatchEvent(new CustomEvent('templates-change', { detail: next, bubbles: true, composed: true }));
  }

  override render() {
    const email = this.type === 'email';
    const area = (key: keyof ChannelTemplates, label: string, rows: number, placeholder: string) =>
      html`<label
        >${label} <span class="hint">(optional)</span>
        <textarea
          name=${`template-${key}`}
          rows=${rows}
          class="mono"
          placeholder=${placeholder}
          .value=${this.templates[key] ?? ''}
          @input=${(e: Event) => this.#set(key, (e.target as HTMLTextAreaElement).value)}
        ></textarea
      ></label>`;
    return html`<fieldset data-testid="channel-templates">
      <legend>Message templates</legend>
      <span class="hint"
        >Empty fields keep the built-in message. Write <code>{{variable}}</code> or
        <code>{{variable | fallback}}</code>, e.g. <code>{{status_upper}}: {{rule}} on {{object}}</code>.</span
      >
      <label
        >${email ? 'Subject' : 'Title'} <span class="hint">(optional)</span>
        <input
          name="template-title"
          autocomplete="off"
          placeholder="{{title}}"
          .value=${this.templates.title ?? ''}
          @input=${(e: Event) => this.#set('title', (e.target as HTMLInputElement).value)}
      /></label>
      ${area('body', email ? 'Text body' : 'Body', 4, '{{body}}')}
      ${email ? area('html', 'HTML body', 5, '<h1>{{title}}</h1>{{chart_html}}{{alerts_html}}') : null}
      <div class="row">
        <select
          name="preview-status"
          aria-label="Sample group state"
          @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value as 'firing' | 'resolved')}
        >
          <option value="firing">firing</option>
          <option value="resolved">resolved</option>
        </select>
        <button type="button" class="secondary small" ?disabled=${this.busy} @click=${this.#preview}>
          ${this.busy ? 'Rendering…' : 'Preview'}
        </button>
      </div>
      ${this.error ? html`<p class="error" role="alert" data-testid="template-preview-error">${this.error}</p>` : null}
      ${this.preview ? this.#output(this.preview) : null}
    </fieldset>`;
  }

  #output(p: ChannelPreview) {
    return html`<div class="out" data-testid="template-preview">
      ${
        p.unknownVariables.length > 0
          ? html`<p class="warn" data-testid="template-unknown">
            Unknown variable${p.unknownVariables.length === 1 ? '' : 's'}: ${p.unknownVariables.join(', ')}
          </p>`
          : null
      }
      <strong>${this.type === 'email' ? 'Subject' : 'Title'}</strong>
      <pre data-testid="preview-title">${p.title}</pre>
      <strong>${this.type === 'email' ? 'Text body' : 'Body'}</strong>
      <pre data-testid="preview-body">${p.body}</pre>
      ${
        p.html !== null
          ? html`<strong>HTML body</strong>
            <iframe title="HTML body preview" sandbox="" .srcdoc=${p.html} data-testid="preview-html"></iframe>`
          : null
      }
      ${
        p.json !== null
          ? html`<strong>JSON body</strong>
            <pre data-testid="preview-json">${JSON.stringify(p.json, null, 2)}</pre>`
          : null
      }
      <details>
        <summary>Variables</summary>
        <pre>${p.variables.join('  ')}</pre>
      </details>
    </div>`;
  }

  #preview = async () => {
    this.busy = true;
    this.error = '';
    const body = {
      type: this.type,
      templates: this.templates,
      status: this.status,
      // Sent even when empty: an emptied field previews the default payload, not the saved one.
      ...(this.type === 'webhook' ? { bodyTemplate: this.bodyTemplate } : {}),
    };
    // A saved channel of the same type previews under its own name; a new one stands alone.
    const res = await notifyApi.previewChannel(body, this.channelId ?? undefined);
    this.busy = false;
    if (!res.ok) {
      this.preview = null;
      this.error = res.error.message;
      return;
    }
    this.preview = res.value;
  };
}

customElements.define('unity-channel-templates', UnityChannelTemplates);

declare global {
  interface HTMLElementTagNameMap {
    'unity-channel-templates': UnityChannelTemplates;
  }
}
