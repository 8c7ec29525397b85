/**
 * The create/edit form of a notification channel: name, enabled, rate limit, the type (from
 * `GET /api/channels/types`) and that type's fields, or a JSON editor for the less used types.
 * The hub's 400 message is shown under the form. Fires `channel-saved` and `form-cancel`.
 * @module
 */
import type { Channel, ChannelTemplates, ChannelType } from '@unity/shared';
import { css, html, LitElement } from 'lit';
import { type ChannelTypeInfo, notifyApi } from '../api/notify-client.js';
import {
  CHANNEL_FIELDS,
  type Field,
  type FormValues,
  fromFormValues,
  toFormValues,
} from './channel-fields.js';
import { formStyles } from './form-styles.js';
import './unity-channel-templates.js';
import { base, controls, surfaces } from './styles.js';

export class UnityChannelForm extends LitElement {
  static override properties = {
    types: { attribute: false },
    channel: { attribute: false },
    type: { state: true },
    name: { state: true },
    enabled: { state: true },
    rateLimit: { state: true },
    values: { state: true },
    json: { state: true },
    templates: { state: true },
    busy: { state: true },
    error: { state: true },
  };
  declare types: ChannelTypeInfo[];
  /** The channel being edited; null for a new one. */
  declare channel: Channel | null;
  declare type: ChannelType;
  declare name: string;
  declare enabled: boolean;
  declare rateLimit: string;
  declare values: FormValues;
  /** The settings (without `type`) as JSON, for types without hand-written fields. */
  declare json: string;
  declare templates: ChannelTemplates;
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.types = [];
    this.channel = null;
    this.type = 'webhook';
    this.name = '';
    this.enabled = true;
    this.rateLimit = '30';
    this.values = {};
    this.json = '{}';
    this.templates = {};
    this.busy = false;
    this.error = '';
  }

  static override styles = [base, controls, surfaces, formStyles, css``];

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('channel')) {
      const c = this.channel;
      this.type = c?.type ?? 'webhook';
      this.name = c?.name ?? '';
      this.enabled = c?.enabled ?? true;
      this.rateLimit = String(c?.rateLimitPerMinute ?? 30);
      this.templates = { ...(c?.templates ?? {}) };
      this.error = '';
      this.#loadSettings((c?.settings ?? { type: this.type }) as Record<string, unknown>);
    }
  }

  #loadSettings(settings: Record<string, unknown>): void {
    const fields = CHANNEL_FIELDS[this.type];
    this.values = fields ? toFormValues(fields, settings) : {};
    const { type: _type, ...rest } = settings;
    this.json = JSON.stringify(rest, null, 2);
  }

  #setType(type: ChannelType): void {
    this.type = type;
    this.#loadSettings({ type });
  }

  override render() {
    const fields = CHANNEL_FIELDS[this.type];
    const info = this.types.find((t) => t.type === this.type);
    return html`<form class="card form" data-testid="channel-form" @submit=${this.#submit} novalidate>
      <h2>${this.channel ? `Edit ${this.channel.name}` : 'New channel'}</h2>
      <div class="grid">
        <label
          >Name
          <input name="name" required .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
        /></label>
        <label
          >Type
          <select
            name="type"
            ?disabled=${!!this.channel}
            .value=${this.type}
            @change=${(e: Event) => this.#setType((e.target as HTMLSelectElement).value as ChannelType)}
          >
            ${this.types.map(
              (t) =>
                html`<option value=${t.type} ?selected=${t.type === this.type} ?disabled=${!t.available}>
                  ${t.type}${t.available ? '' : ' (not available)'}
                </option>`,
            )}
          </select>
          ${info?.hint ? html`<span class="hint">${info.hint}</span>` : null}
        </label>
        <label
          >Rate limit (per minute)
          <input
            name="rateLimitPerMinute"
            type="number"
            min="1"
            .value=${this.rateLimit}
            @input=${(e: Event) => (this.rateLimit = (e.target as HTMLInputElement).value)}
        /></label>
        <label class="check"
          ><input
            type="checkbox"
            name="enabled"
            .checked=${this.enabled}
            @change=${(e: Event) => (this.enabled = (e.target as HTMLInputElement).checked)}
          />Enabled</label
        >
      </div>
      <fieldset>
        <legend>${this.type} settings</legend>
        ${
          fields
            ? html`<div class="grid">${fields.map((f) => this.#field(f))}</div>`
            : html`<label
              >Settings (JSON)
              <textarea
                name="settings-json"
                rows="8"
                class="mono"
                .value=${this.json}
                @input=${(e: Event) => (this.json = (e.target as HTMLTextAreaElement).value)}
              ></textarea>
              <span class="hint">Secrets shown as ******** keep their stored value.</span></label
            >`
        }
      </fieldset>
      <unity-channel-templates
        .type=${this.type}
        .channelId=${this.channel?.id ?? null}
        .templates=${this.templates}
        .bodyTemplate=${String(this.values.bodyTemplate ?? '')}
        @templates-change=${(e: CustomEvent<ChannelTemplates>) => (this.templates = e.detail)}
      ></unity-channel-templates>
      ${this.error ? html`<p class="error" role="alert" data-testid="channel-form-error">${this.error}</p>` : null}
      <div class="row">
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save channel'}</button>
        <button type="button" class="secondary" @click=${this.#cancel}>Cancel</button>
      </div>
    </form>`;
  }

  #field(f: Field) {
    const v = this.values[f.key];
    const set = (value: string | boolean) => {
      this.values = { ...this.values, [f.key]: value };
    };
    const hint = f.hint ? html`<span class="hint">${f.hint}</span>` : null;
    switch (f.kind) {
      case 'bool':
        return html`<label class="check"
          ><input
            type="checkbox"
            name=${f.key}
            .checked=${v === true}
            @change=${(e: Event) => set((e.target as HTMLInputElement).checked)}
          />${f.label}</label
        >`;
      case 'select':
        return html`<label
          >${f.label}
          <select name=${f.key} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!v}>(default)</option>
            ${(f.options ?? []).map((o) => html`<option value=${o} ?selected=${v === o}>${o}</option>`)}
          </select></label
        >`;
      case 'headers':
      case 'textarea':
        return html`<label
          >${f.label}
          <textarea
            name=${f.key}
            rows=${f.kind === 'textarea' ? 5 : 3}
            placeholder=${f.placeholder ?? ''}
            class="mono"
            .value=${String(v ?? '')}
            @input=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}
          ></textarea
          >${hint}</label
        >`;
      default:
        return html`<label
          >${f.label}${f.required ? '' : html` <span class="hint">(optional)</span>`}
          <input
            name=${f.key}
            type=${f.kind === 'number' ? 'number' : 'text'}
            autocomplete="off"
            placeholder=${f.placeholder ?? ''}
            .value=${String(v ?? '')}
            @input=${(e: Event) => set((e.target as HTMLInputElement).value)}
          />${hint}</label
        >`;
    }
  }

  #cancel = () => {
    this.dispatchEvent(new CustomEvent('form-cancel', { bubbles: true, composed: true }));
  };

  #settings(): Record<string, unknown> | string {
    const fields = CHANNEL_FIELDS[this.type];
    if (fields) return fromFormValues(this.type, fields, this.values);
    try {
      const parsed: unknown = JSON.parse(this.json || '{}');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return 'The settings must be a JSON object.';
      return { ...(parsed as Record<string, unknown>), type: this.type };
    } catch {
      return 'The settings are not valid JSON.';
    }
  }

  async #submit(e: Event): Promise<void> {
    e.preventDefault();
    const settings = this.#settings();
    if (typeof settings === 'string') {
      this.error = settings;
      return;
    }
    const body = {
      name: this.name,
      enabled: this.enabled,
      rateLimitPerMinute: Number(this.rateLimit),
      templates: this.templates,
      settings,
    };
    this.busy = true;
    this.error = '';
    const res = this.channel
      ? await notifyApi.updateChannel(this.channel.id, body as Parameters<typeof notifyApi.updateChannel>[1])
      : await notifyApi.createChannel(body as Parameters<typeof notifyApi.createChannel>[0]);
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.dispatchEvent(
      new CustomEvent('channel-saved', { detail: res.value, bubbles: true, composed: true }),
    );
  }
}

customElements.define('unity-channel-form', UnityChannelForm);

declare global {
  interface HTMLElementTagNameMap {
    'unity-channel-form': UnityChannelForm;
  }
}
