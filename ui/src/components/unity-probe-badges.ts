/**
 * The "Badges" section of a probe's page: whether the probe's public badges answer, and, when
 * they do, a preview and a Markdown snippet of each with a Copy button. A viewer may see the
 * section; changing it needs `probes:write`, and the hub's refusal is shown as it comes.
 * @module
 */
import { css, html, LitElement } from 'lit';
import { probesApi } from '../api/probes-client.js';
import { markdownSnippet, PROBE_BADGES, type ProbeBadgeKind, probeBadgeUrl } from './badge-snippets.js';
import { copyText } from './identity-shared.js';
import { base, surfaces } from './styles.js';

export class UnityProbeBadges extends LitElement {
  static override properties = {
    probeId: { attribute: 'probe-id' },
    probeName: { attribute: 'probe-name' },
    public: { type: Boolean },
    busy: { state: true },
    error: { state: true },
    copied: { state: true },
  };
  declare probeId: string;
  declare probeName: string;
  declare public: boolean;
  declare busy: boolean;
  declare error: string;
  declare copied: ProbeBadgeKind | '';

  constructor() {
    super();
    this.probeId = '';
    this.probeName = '';
    this.public = false;
    this.busy = false;
    this.error = '';
    this.copied = '';
  }

  static override styles = [
    base,
    surfaces,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--u-space-3);
        margin: var(--u-space-2) 0;
      }
      code {
        overflow-wrap: anywhere;
      }
    `,
  ];

  async #toggle(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    this.busy = true;
    const res = await probesApi.setPublic(this.probeId, { public: input.checked });
    this.busy = false;
    if (res.ok) {
      this.error = '';
      this.public = res.value.public;
    } else {
      this.error = res.error.message;
      input.checked = this.public;
    }
  }

  async #copy(kind: ProbeBadgeKind, snippet: string): Promise<void> {
    if (await copyText(snippet)) this.copied = kind;
  }

  override render() {
    const origin = window.location.origin;
    return html`<h2>Badges</h2>
      <label class="row">
        <input
          type="checkbox"
          data-testid="badges-public"
          .checked=${this.public}
          ?disabled=${this.busy}
          @change=${(e: Event) => void this.#toggle(e)}
        />
        Public badges (anyone with the link sees this probe's name and state)
      </label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
      ${
        this.public
          ? PROBE_BADGES.map(({ kind, title }) => {
              const url = probeBadgeUrl(origin, this.probeId, kind);
              const snippet = markdownSnippet(url, `${this.probeName} ${title.toLowerCase()}`);
              return html`<div class="row" data-testid="badge-${kind}">
                <img src=${url} alt=${title} height="20" />
                <code class="mono">${snippet}</code>
                <button type="button" class="secondary" @click=${() => void this.#copy(kind, snippet)}>
                  ${this.copied === kind ? 'Copied' : 'Copy'}
                </button>
              </div>`;
            })
          : html`<p class="muted">Badges answer "not public" until you turn this on.</p>`
      }`;
  }
}

customElements.define('unity-probe-badges', UnityProbeBadges);

declare global {
  interface HTMLElementTagNameMap {
    'unity-probe-badges': UnityProbeBadges;
  }
}
