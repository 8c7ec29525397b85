/**
 * The log viewer of a container page: follows the container's log live over the follow
 * WebSocket (or, in the stack view, every container of its compose project on the same host,
 * merged by time and tagged with the container), with auto-scroll that pauses when the reader
 * scrolls up, a minimum-level filter, search with highlighting, a .log download, and the
 * shipping switch. Lines are written to the DOM directly, batched once per animation frame and
 * capped at MAX_LINES, so 20,000 lines/s do not make Lit re-render thousands of rows.
 * @module
 */
import { type Container, type LogFollowMessage, type LogLevel, LogLevelSchema } from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { api, request } from '../api/client.js';
import { LogBuffer, passes, type ViewFilter, type ViewLine } from './log-buffer.js';
import { base, controls, surfaces } from './styles.js';

export const MAX_LINES = 5000;
const INITIAL_TAIL = 500;

type ShipState = { ship: boolean; label: boolean };

export class UnityLogViewer extends LitElement {
  static override properties = {
    container: { attribute: false },
    stack: { state: true },
    paused: { state: true },
    minLevel: { state: true },
    search: { state: true },
    status: { state: true },
    shown: { state: true },
    ship: { state: true },
  };
  declare container: Container | null;
  declare stack: boolean;
  declare paused: boolean;
  declare minLevel: LogLevel | '';
  declare search: string;
  declare status: string;
  declare shown: number;
  declare ship: ShipState | null;

  readonly #buffer = new LogBuffer(MAX_LINES);
  #pending: ViewLine[] = [];
  #frame = 0;
  #sockets: WebSocket[] = [];
  #sources: Container[] = [];
  #openedFor = '';

  constructor() {
    super();
    this.container = null;
    this.stack = false;
    this.paused = false;
    this.minLevel = '';
    this.search = '';
    this.status = '';
    this.shown = 0;
    this.ship = null;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-2);
        align-items: center;
        margin-bottom: var(--u-space-2);
      }
      .bar input[type='search'] {
        flex: 1 1 12rem;
      }
      .bar label {
        display: inline-flex;
        align-items: center;
        gap: var(--u-space-1);
      }
      .bar input[type='checkbox'] {
        width: 1rem;
        height: 1rem;
        margin: 0;
      }
      .lines {
        height: 28rem;
        overflow: auto;
        background: var(--u-surface-2);
        border-radius: var(--u-radius-sm);
        padding: var(--u-space-2);
        font-family: var(--u-font-mono);
        font-size: var(--u-text-sm);
        line-height: 1.45;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .line .t {
        color: var(--u-text-muted);
        margin-right: 0.6em;
      }
      .line .src {
        color: var(--u-accent);
        margin-right: 0.6em;
      }
      .line.stderr .text {
        color: var(--u-warn);
      }
      .line.lv-error .text,
      .line.lv-fatal .text {
        color: var(--u-bad);
      }
      .lv {
        display: inline-block;
        min-width: 3.2em;
        margin-right: 0.4em;
        font-weight: 600;
      }
      .lv-error .lv,
      .lv-fatal .lv {
        color: var(--u-bad);
      }
      .lv-warn .lv {
        color: var(--u-warn);
      }
      mark {
        background: var(--u-warn-bg);
        color: inherit;
        outline: 1px solid var(--u-warn);
      }
    `,
  ];

  protected override updated(changed: PropertyValues<this>): void {
    const key = this.container ? `${this.container.id}:${this.stack}` : '';
    if (key && key !== this.#openedFor) {
      const sameContainer = this.#openedFor.split(':')[0] === this.container?.id;
      this.#openedFor = key;
      void this.#open();
      if (!sameContainer) {
        this.ship = null;
        void this.#loadShip();
      }
    }
    if (changed.has('minLevel') || changed.has('search') || (changed.has('paused') && !this.paused)) {
      if (changed.get('paused') !== undefined || changed.has('minLevel') || changed.has('search'))
        this.#rebuild();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#close();
    this.#openedFor = '';
  }

  async #open(): Promise<void> {
    this.#close();
    const c = this.container;
    if (!c) return;
    this.#buffer.clear();
    this.#pending = [];
    this.#rebuild();
    this.#sources = [c];
    if (this.stack && c.composeProject) {
      const res = await api.containers(c.hostId);
      if (res.ok)
        this.#sources = res.value.items.filter(
          (x) => x.composeProject === c.composeProject && x.state === 'running',
        );
      if (!this.#sources.some((x) => x.id === c.id)) this.#sources.push(c);
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    let open = 0;
    for (const source of this.#sources) {
      const url = `${scheme}://${location.host}/api/containers/${encodeURIComponent(source.id)}/logs/follow?tail=${INITIAL_TAIL}`;
      const ws = new WebSocket(url);
      const name = source.name.replace(/^\//, '');
      ws.onopen = () => {
        open++;
        this.status = `Following ${open === 1 && this.#sources.length === 1 ? name : `${open} containers`}`;
      };
      ws.onmessage = (event) => this.#onMessage(JSON.parse(String(event.data)) as LogFollowMessage, name);
      ws.onclose = () => {
        if (this.#sockets.includes(ws) && this.status.startsWith('Following')) this.status = 'Stopped';
      };
      this.#sockets.push(ws);
    }
  }

  #close(): void {
    const sockets = this.#sockets;
    this.#sockets = [];
    for (const ws of sockets) ws.close();
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #onMessage(message: LogFollowMessage, source: string): void {
    if (message.type === 'end') {
      this.status = `Stopped: ${message.reason}`;
      return;
    }
    for (const l of message.items) this.#pending.push({ ...l, source });
    // Past the cap, older pending lines would be dropped on the next frame anyway.
    if (this.#pending.length > MAX_LINES * 2) this.#pending.splice(0, this.#pending.length - MAX_LINES);
    this.#frame ||= requestAnimationFrame(() => this.#flush());
  }

  /** One animation frame: the lines that arrived since the last one go to the buffer and the DOM. */
  #flush(): void {
    this.#frame = 0;
    const incoming = this.#pending;
    this.#pending = [];
    const how = this.#buffer.add(incoming, this.#sources.length > 1);
    if (this.paused) return;
    if (how === 'rebuild') {
      this.#rebuild();
      return;
    }
    const list = this.#list;
    if (!list) return;
    const filter = this.#filter;
    // The buffer's tail is the new lines in time order (a merged view sorts them); `incoming` is
    // in arrival order, which interleaves the containers' sockets.
    const added = this.#buffer.lines.slice(-incoming.length);
    const fragment = document.createDocumentFragment();
    for (const l of added) if (passes(l, filter)) fragment.append(this.#row(l));
    list.append(fragment);
    const excess = list.childElementCount - MAX_LINES;
    for (let i = 0; i < excess; i++) list.firstElementChild?.remove();
    this.shown = list.childElementCount;
    list.scrollTop = list.scrollHeight;
  }

  #rebuild(): void {
    const list = this.#list;
    if (!list) return;
    const filter = this.#filter;
    const fragment = document.createDocumentFragment();
    for (const l of this.#buffer.lines) if (passes(l, filter)) fragment.append(this.#row(l));
    list.replaceChildren(fragment);
    this.shown = list.childElementCount;
    if (!this.paused) list.scrollTop = list.scrollHeight;
  }

  get #list(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.lines');
  }

  get #filter(): ViewFilter {
    return { minLevel: this.minLevel, search: this.search };
  }

  #row(l: ViewLine): HTMLElement {
    const row = document.createElement('div');
    row.className = `line ${l.stream}${l.level ? ` lv-${l.level}` : ''}`;
    const time = document.createElement('span');
    time.className = 't';
    time.textContent = l.time.slice(11, 23);
    time.title = l.time;
    row.append(time);
    if (this.#sources.length > 1) {
      const src = document.createElement('span');
      src.className = 'src';
      src.textContent = l.source;
      row.append(src);
    }
    const level = document.createElement('span');
    level.className = 'lv';
    level.textContent = l.level ?? '';
    row.append(level);
    const text = document.createElement('span');
    text.className = 'text';
    this.#highlight(text, l.line);
    row.append(text);
    return row;
  }

  /** Writes `line` into `el` with every match of the search marked (as text nodes: no HTML injection). */
  #highlight(el: HTMLElement, line: string): void {
    const q = this.search.toLowerCase();
    if (!q) {
      el.textContent = line;
      return;
    }
    const lower = line.toLowerCase();
    let at = 0;
    for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, at)) {
      if (i > at) el.append(line.slice(at, i));
      const mark = document.createElement('mark');
      mark.textContent = line.slice(i, i + q.length);
      el.append(mark);
      at = i + q.length;
    }
    if (at < line.length) el.append(line.slice(at));
  }

  /** Scrolling up pauses auto-scroll; scrolling back to the bottom resumes it. */
  #onScroll(): void {
    const list = this.#list;
    if (!list) return;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    if (!atBottom && !this.paused) this.paused = true;
  }

  #download(): void {
    const name = (this.container?.name ?? 'container').replace(/^\//, '');
    const blob = new Blob([this.#buffer.toText(this.#sources.length > 1)], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.stack ? (this.container?.composeProject ?? name) : name}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  async #loadShip(): Promise<void> {
    const c = this.container;
    if (!c) return;
    const res = await request<ShipState>(`/api/containers/${encodeURIComponent(c.id)}/logs/ship`);
    if (res.ok) this.ship = res.value;
  }

  async #toggleShip(ship: boolean): Promise<void> {
    const c = this.container;
    if (!c) return;
    const res = await request<ShipState>(`/api/containers/${encodeURIComponent(c.id)}/logs/ship`, {
      method: 'PUT',
      body: { ship },
    });
    if (res.ok) this.ship = res.value;
    else this.status = res.error.message;
  }

  override render() {
    const c = this.container;
    return html`<section class="card" aria-label="Logs">
      <h2>Logs</h2>
      <div class="bar">
        <button
          type="button"
          data-testid="log-pause"
          @click=${() => {
            this.paused = !this.paused;
          }}
        >
          ${this.paused ? 'Resume' : 'Pause'}
        </button>
        <input
          type="search"
          placeholder="Search"
          aria-label="Search the log"
          data-testid="log-search"
          .value=${this.search}
          @input=${(e: Event) => {
            this.search = (e.target as HTMLInputElement).value;
          }}
        />
        <select
          aria-label="Minimum level"
          data-testid="log-level"
          @change=${(e: Event) => {
            this.minLevel = (e.target as HTMLSelectElement).value as LogLevel | '';
          }}
        >
          <option value="">All levels</option>
          ${LogLevelSchema.options.map((l) => html`<option value=${l} ?selected=${this.minLevel === l}>${l}+</option>`)}
        </select>
        ${
          c?.composeProject
            ? html`<label
              ><input
                type="checkbox"
                data-testid="log-stack"
                .checked=${this.stack}
                @change=${(e: Event) => {
                  this.stack = (e.target as HTMLInputElement).checked;
                }}
              />
              Whole stack (${c.composeProject})</label
            >`
            : null
        }
        <button type="button" data-testid="log-download" @click=${() => this.#download()}>Download .log</button>
        ${
          this.ship
            ? html`<label title=${this.ship.label ? 'Shipped because of the unity.logs=ship label' : ''}
              ><input
                type="checkbox"
                data-testid="log-ship"
                .checked=${this.ship.ship || this.ship.label}
                ?disabled=${this.ship.label}
                @change=${(e: Event) => void this.#toggleShip((e.target as HTMLInputElement).checked)}
              />
              Keep these logs on the hub</label
            >`
            : null
        }
      </div>
      <p class="muted" data-testid="log-status" aria-live="polite">
        ${this.status || 'Connecting…'} · ${this.shown} line${this.shown === 1 ? '' : 's'} shown${this.paused ? ' · paused' : ''}
      </p>
      <div class="lines" data-testid="log-lines" role="log" @scroll=${() => this.#onScroll()}></div>
    </section>`;
  }
}

customElements.define('unity-log-viewer', UnityLogViewer);
