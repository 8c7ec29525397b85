/**
 * The alert rule editor: name, the objects (hosts, containers, probes, scraped series of one
 * metric name, suggested from `GET /api/series`, or Kubernetes pods, nodes, workloads, volume
 * claims, quotas and jobs; and label matchers), the
 * condition (threshold, status and absence have their own fields; other kinds are edited as
 * JSON), `for`, `keepFiringFor`, severity and the summary and description templates. A live
 * preview (`POST /api/alert-rules/preview`, debounced) shows which objects would fire and the
 * rendered message. Saves with POST or PUT; the hub's 400 message shows under the form.
 * Fires `rule-saved` and `form-cancel`.
 * @module
 */
import {
  type AlertBacktest,
  type AlertObjectKind,
  type AlertPreview,
  type AlertRuleSpecInput,
  isK8sObjectKind,
  type LabelMatcher,
  metricsFor,
  statusesFor,
} from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { rulesApi } from '../api/notify-client.js';
import { probesApi } from '../api/probes-client.js';
import { formatNumber } from '../format.js';
import { formStyles } from './form-styles.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';

type Cond = Record<string, unknown> & { kind: string };
const EDITABLE_KINDS = ['threshold', 'status', 'absence'] as const;
const PREVIEW_DELAY_MS = 500;

function defaultCondition(kind: string, object: AlertObjectKind): Cond {
  if (kind === 'threshold')
    return {
      kind,
      metric: metricsFor(object)[0],
      aggregation: 'avg',
      windowSec: 300,
      op: '>',
      threshold: 90,
    };
  if (kind === 'status') return { kind, status: statusesFor(object)[0] };
  return { kind: 'absence', afterSec: 300 };
}

/** The editable condition kinds an object has (Kubernetes objects: current state only). */
function kindsFor(object: AlertObjectKind): string[] {
  return EDITABLE_KINDS.filter((k) =>
    k === 'threshold'
      ? metricsFor(object).length > 0
      : k === 'status'
        ? statusesFor(object).length > 0
        : !isK8sObjectKind(object) && object !== 'probe',
  );
}

/** The object a preview item is about, in words (a series by its scrape target). */
const objectOf = (labels: Record<string, string>) =>
  (labels.__name__
    ? [labels.__name__, labels.job, labels.instance]
    : labels.cluster
      ? [
          labels.cluster,
          labels.namespace,
          labels.kind,
          labels.pod ?? labels.node ?? labels.workload ?? labels.pvc ?? labels.quota ?? labels.job,
        ]
      : [labels.host, labels.container, labels.mount]
  )
    .filter(Boolean)
    .join(' / ') || JSON.stringify(labels);

const OBJECT_NAMES: Record<AlertObjectKind, string> = {
  container: 'Containers',
  host: 'Hosts',
  probe: 'Probes',
  series: 'Scraped series',
  k8s_pod: 'Kubernetes pods',
  k8s_node: 'Kubernetes nodes',
  k8s_workload: 'Kubernetes workloads',
  k8s_pvc: 'Kubernetes volume claims',
  k8s_quota: 'Kubernetes quotas',
  k8s_job: 'Kubernetes jobs',
};

/** One object of a kind, in words, for counts ("3 pods"). */
const NOUNS: Partial<Record<AlertObjectKind, string>> = {
  k8s_pod: 'pod',
  k8s_node: 'node',
  k8s_workload: 'workload',
  k8s_pvc: 'volume claim',
  k8s_quota: 'quota',
  k8s_job: 'job',
};

export class UnityRuleEditor extends LitElement {
  static override properties = {
    rule: { attribute: false },
    ruleId: { attribute: false },
    draft: { state: true },
    conditionJson: { state: true },
    preview: { state: true },
    previewError: { state: true },
    backtest: { state: true },
    backtesting: { state: true },
    seriesNames: { state: true },
    busy: { state: true },
    error: { state: true },
  };
  /** The rule to start from (a stored rule or a template). */
  declare rule: AlertRuleSpecInput | null;
  /** The stored rule's id; null for a new rule. */
  declare ruleId: string | null;
  declare draft: AlertRuleSpecInput;
  /** The condition as JSON for kinds without their own fields. */
  declare conditionJson: string;
  declare preview: AlertPreview | null;
  declare previewError: string;
  /** The last backtest's result, or its error. */
  declare backtest: AlertBacktest | string | null;
  declare backtesting: boolean;
  declare seriesNames: string[];
  declare busy: boolean;
  declare error: string;

  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | undefined;

  constructor() {
    super();
    this.rule = null;
    this.ruleId = null;
    this.draft = {
      name: '',
      selector: { object: 'container', matchers: [] },
      condition: { kind: 'status', status: 'stopped' },
    };
    this.conditionJson = '';
    this.preview = null;
    this.previewError = '';
    this.backtest = null;
    this.backtesting = false;
    this.seriesNames = [];
    this.busy = false;
    this.error = '';
  }

  static override styles = [
    base,
    controls,
    surfaces,
    formStyles,
    css`
      .matcher {
        display: grid;
        grid-template-columns: 2fr 5rem 3fr auto;
        gap: var(--u-space-2);
        align-items: end;
      }
      .preview {
        display: grid;
        gap: var(--u-space-2);
      }
    `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('rule') && this.rule) {
      this.draft = structuredClone(this.rule);
      this.conditionJson = JSON.stringify(this.rule.condition, null, 2);
      this.#jsonMode = false;
      this.backtest = null;
      this.error = '';
    }
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('draft')) this.#schedulePreview();
    if (this.#object === 'series' && !this.#seriesNamesAsked) void this.#loadSeriesNames();
  }

  get #cond(): Cond {
    return this.draft.condition as unknown as Cond;
  }

  /** `n` objects of the rule's kind, in words ("1 host", "3 series"). */
  #noun(n: number): string {
    return this.#object === 'series'
      ? 'series'
      : `${NOUNS[this.#object] ?? this.#object}${n === 1 ? '' : 's'}`;
  }

  get #object(): AlertObjectKind {
    return this.draft.selector.object;
  }

  #set(patch: Partial<AlertRuleSpecInput>): void {
    this.draft = { ...this.draft, ...patch };
  }

  #setCond(patch: Record<string, unknown>): void {
    this.#set({ condition: { ...this.#cond, ...patch } as AlertRuleSpecInput['condition'] });
  }

  #setMatchers(matchers: LabelMatcher[]): void {
    this.#set({ selector: { ...this.draft.selector, matchers } });
  }

  #setObject(object: AlertObjectKind): void {
    // Series have no statuses, Kubernetes nodes no metrics: the condition becomes one they have.
    const allowed = kindsFor(object);
    const kind =
      allowed.includes(this.#cond.kind) || !(EDITABLE_KINDS as readonly string[]).includes(this.#cond.kind)
        ? this.#cond.kind
        : (allowed[0] ?? 'status');
    const condition = (EDITABLE_KINDS as readonly string[]).includes(kind)
      ? defaultCondition(kind, object)
      : this.#cond;
    const { metric: _, ...selector } = this.draft.selector;
    this.#set({
      selector:
        object === 'series'
          ? { ...selector, object, metric: this.draft.selector.metric ?? '' }
          : { ...selector, object },
      condition: condition as AlertRuleSpecInput['condition'],
    });
  }

  /** Metric names of the stored series, offered in the series metric field. */
  #seriesNamesAsked = false;
  async #loadSeriesNames(): Promise<void> {
    this.#seriesNamesAsked = true;
    const res = await probesApi.allSeries();
    if (res.ok) this.seriesNames = [...new Set(res.value.map((s) => s.name))].sort();
  }

  #setKind(kind: string): void {
    if (kind === 'json') {
      this.conditionJson = JSON.stringify(this.#cond, null, 2);
      this.#set({ condition: { ...this.#cond, kind: this.#cond.kind } as AlertRuleSpecInput['condition'] });
      this.#jsonMode = true;
      this.requestUpdate();
      return;
    }
    this.#jsonMode = false;
    this.#set({ condition: defaultCondition(kind, this.#object) as AlertRuleSpecInput['condition'] });
  }

  /** Edit the condition as JSON even for a kind with its own fields. */
  #jsonMode = false;

  get #editingJson(): boolean {
    return this.#jsonMode || !(EDITABLE_KINDS as readonly string[]).includes(this.#cond.kind);
  }

  #setJson(text: string): void {
    this.conditionJson = text;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        this.#set({ condition: parsed as AlertRuleSpecInput['condition'] });
        this.error = '';
      }
    } catch {
      this.error = 'The condition is not valid JSON.';
    }
  }

  #schedulePreview(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#runPreview(), PREVIEW_DELAY_MS);
  }

  async #runPreview(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const rule = { ...this.draft, name: this.draft.name.trim() || 'Preview' };
    try {
      const res = await rulesApi.preview(rule, abort.signal);
      if (res.ok) {
        this.preview = res.value;
        this.previewError = '';
      } else {
        this.previewError = res.error.message;
      }
    } catch {
      // Aborted by a newer preview.
    }
  }

  async #runBacktest(): Promise<void> {
    this.backtesting = true;
    const res = await rulesApi.backtest({ ...this.draft, name: this.draft.name.trim() || 'Backtest' }, 7);
    this.backtesting = false;
    this.backtest = res.ok ? res.value : res.error.message;
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    this.busy = true;
    this.error = '';
    const res = this.ruleId
      ? await rulesApi.updateRule(this.ruleId, this.draft)
      : await rulesApi.createRule(this.draft);
    this.busy = false;
    if (!res.ok) {
      this.error = res.error.message;
      return;
    }
    this.dispatchEvent(new CustomEvent('rule-saved', { detail: res.value, bubbles: true, composed: true }));
  }

  #num(value: string): number | undefined {
    return value.trim() === '' ? undefined : Number(value);
  }

  override render() {
    const d = this.draft;
    const inputValue = (e: Event) => (e.target as HTMLInputElement).value;
    return html`<form class="card form" data-testid="rule-form" @submit=${this.#save} novalidate>
      <h2>${this.ruleId ? `Edit ${this.rule?.name ?? 'rule'}` : 'New alert rule'}</h2>
      <div class="grid">
        <label>Name <input name="rule-name" .value=${d.name} @input=${(e: Event) => this.#set({ name: inputValue(e) })} /></label>
        <label
          >Objects
          <select name="object" @change=${(e: Event) => this.#setObject(inputValue(e) as AlertObjectKind)}>
            ${(Object.keys(OBJECT_NAMES) as AlertObjectKind[]).map(
              (o) => html`<option value=${o} ?selected=${this.#object === o}>${OBJECT_NAMES[o]}</option>`,
            )}
          </select></label
        >
        ${
          this.#object === 'series'
            ? html`<label
              >Metric name
              <input
                name="series-metric"
                list="series-metrics"
                placeholder="http_requests_total"
                .value=${d.selector.metric ?? ''}
                @input=${(e: Event) => this.#set({ selector: { ...d.selector, metric: inputValue(e) } })}
              /><datalist id="series-metrics">
                ${this.seriesNames.map((n) => html`<option value=${n}></option>`)}
              </datalist></label
            >`
            : null
        }
        <label
          >Severity
          <select name="severity" @change=${(e: Event) => this.#set({ severity: inputValue(e) as 'warning' })}>
            ${(['critical', 'warning', 'info'] as const).map(
              (s) => html`<option value=${s} ?selected=${(d.severity ?? 'warning') === s}>${s}</option>`,
            )}
          </select></label
        >
        <label class="check"
          ><input
            type="checkbox"
            name="enabled"
            .checked=${d.enabled ?? true}
            @change=${(e: Event) => this.#set({ enabled: (e.target as HTMLInputElement).checked })}
          />Enabled</label
        >
      </div>
      ${this.#matchers()} ${this.#condition()}
      <div class="grid">
        <label
          >For (seconds)
          <input
            name="for"
            type="number"
            min="0"
            .value=${String(d.for ?? 0)}
            @input=${(e: Event) => this.#set({ for: this.#num(inputValue(e)) ?? 0 })}
          /><span class="hint">How long the condition must hold before it fires</span></label
        >
        <label
          >Keep firing for (seconds)
          <input
            name="keepFiringFor"
            type="number"
            min="0"
            .value=${String(d.keepFiringFor ?? 0)}
            @input=${(e: Event) => this.#set({ keepFiringFor: this.#num(inputValue(e)) ?? 0 })}
        /></label>
      </div>
      <div class="grid">
        <label
          >Summary template
          <input
            name="summary"
            placeholder="{{container}} on {{host}} is down"
            .value=${d.annotations?.summary ?? ''}
            @input=${(e: Event) => this.#set({ annotations: { ...d.annotations, summary: inputValue(e) } })}
        /></label>
        <label
          >Description template
          <textarea
            name="description"
            rows="2"
            .value=${d.annotations?.description ?? ''}
            @input=${(e: Event) => this.#set({ annotations: { ...d.annotations, description: inputValue(e) } })}
          ></textarea>
        </label>
      </div>
      ${this.error ? html`<p class="error" role="alert" data-testid="rule-form-error">${this.error}</p>` : null}
      <div class="row">
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Save rule'}</button>
        <button
          type="button"
          class="secondary"
          @click=${() => this.dispatchEvent(new CustomEvent('form-cancel', { bubbles: true, composed: true }))}
        >
          Cancel
        </button>
      </div>
      ${this.#preview()} ${this.#backtest()}
    </form>`;
  }

  #matchers() {
    const matchers = (this.draft.selector.matchers ?? []) as LabelMatcher[];
    const update = (i: number, patch: Partial<LabelMatcher>) =>
      this.#setMatchers(matchers.map((m, j) => (j === i ? { ...m, ...patch } : m)));
    return html`<fieldset>
      <legend>Which ${this.#object}s (all when empty)</legend>
      ${matchers.map(
        (m, i) =>
          html`<div class="matcher" data-testid="matcher">
            <label
              >Label
              <input
                .value=${m.label}
                placeholder=${this.#object === 'host' ? 'host' : this.#object === 'series' ? 'job' : 'container'}
                @input=${(e: Event) => update(i, { label: (e.target as HTMLInputElement).value })}
            /></label>
            <label
              >Match
              <select @change=${(e: Event) => update(i, { op: (e.target as HTMLSelectElement).value as LabelMatcher['op'] })}>
                ${(['=', '!=', '=~', '!~'] as const).map((op) => html`<option ?selected=${m.op === op}>${op}</option>`)}
              </select></label
            >
            <label
              >Value
              <input .value=${m.value} @input=${(e: Event) => update(i, { value: (e.target as HTMLInputElement).value })}
            /></label>
            <button
              type="button"
              class="secondary small"
              aria-label="Remove matcher ${i + 1}"
              @click=${() => this.#setMatchers(matchers.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>`,
      )}
      <div>
        <button
          type="button"
          class="secondary small"
          @click=${() =>
            this.#setMatchers([
              ...matchers,
              { label: this.#object === 'series' ? 'job' : this.#object, op: '=~', value: '.*' },
            ])}
        >
          Add matcher
        </button>
      </div>
    </fieldset>`;
  }

  #condition() {
    const c = this.#cond;
    const json = this.#editingJson;
    const inputValue = (e: Event) => (e.target as HTMLInputElement).value;
    const numField = (key: string, label: string, hint?: string) =>
      html`<label
        >${label}
        <input
          name=${key}
          type="number"
          .value=${c[key] === undefined ? '' : String(c[key])}
          @input=${(e: Event) => this.#setCond({ [key]: this.#num(inputValue(e)) })}
        />${hint ? html`<span class="hint">${hint}</span>` : null}</label
      >`;
    const select = (key: string, label: string, options: readonly string[]) =>
      html`<label
        >${label}
        <select name=${key} @change=${(e: Event) => this.#setCond({ [key]: inputValue(e) })}>
          ${options.map((o) => html`<option value=${o} ?selected=${c[key] === o}>${o}</option>`)}
        </select></label
      >`;
    const kinds = kindsFor(this.#object);
    // Kubernetes metrics are the objects' current values: no window to aggregate over.
    const current = isK8sObjectKind(this.#object);
    return html`<fieldset>
      <legend>Condition</legend>
      <label
        >Kind
        <select name="condition-kind" @change=${(e: Event) => this.#setKind(inputValue(e))}>
          ${kinds.includes('threshold') ? html`<option value="threshold" ?selected=${!json && c.kind === 'threshold'}>Threshold on a metric</option>` : null}
          ${kinds.includes('status') ? html`<option value="status" ?selected=${!json && c.kind === 'status'}>Status</option>` : null}
          ${kinds.includes('absence') ? html`<option value="absence" ?selected=${!json && c.kind === 'absence'}>No data (heartbeat)</option>` : null}
          <option value="json" ?selected=${json}>Other (${json ? c.kind : 'JSON'})</option>
        </select></label
      >
      ${
        json
          ? html`<label
            >Condition (JSON)
            <textarea
              name="condition-json"
              class="mono"
              rows="8"
              .value=${this.conditionJson}
              @input=${(e: Event) => this.#setJson((e.target as HTMLTextAreaElement).value)}
            ></textarea
          ></label>`
          : c.kind === 'threshold'
            ? html`<div class="grid">
              ${select('metric', this.#object === 'series' ? 'Read (rate: per second, for counters)' : 'Metric', metricsFor(this.#object))}
              ${current ? null : select('aggregation', 'Aggregation', ['avg', 'min', 'max', 'last'])} ${select('op', 'Comparison', ['>', '>=', '<', '<='])}
              ${numField('threshold', 'Threshold')} ${current ? null : numField('windowSec', 'Window (seconds)')}
              ${numField('clearThreshold', 'Clear threshold (optional)', 'Stays firing until past this value')}
            </div>`
            : c.kind === 'status'
              ? html`<div class="grid">
                ${select('status', 'Status', statusesFor(this.#object))}
                ${
                  c.status === 'restarting'
                    ? html`${numField('restarts', 'Restarts')} ${numField('windowSec', 'Within (seconds)')}`
                    : null
                }
              </div>`
              : html`<div class="grid">${numField('afterSec', 'No sample for (seconds)')}</div>`
      }
    </fieldset>`;
  }

  #backtest() {
    const b = this.backtest;
    return html`<section class="preview" data-testid="backtest">
      <div class="row">
        <h3>Backtest</h3>
        <button type="button" class="secondary small" ?disabled=${this.backtesting} @click=${this.#runBacktest}>
          ${this.backtesting ? 'Running…' : 'Run over the last 7 days'}
        </button>
      </div>
      ${
        typeof b === 'string'
          ? html`<p class="error" data-testid="backtest-error">${b}</p>`
          : b
            ? html`<p data-testid="backtest-summary">
              Over ${b.objects} ${this.#noun(b.objects)}: ${b.transitions.length} state
              change${b.transitions.length === 1 ? '' : 's'}; it would have sent ${b.notifications.firing} firing and
              ${b.notifications.resolved} resolved notification${b.notifications.resolved === 1 ? '' : 's'}.
            </p>`
            : html`<p class="muted">What this rule would have done with the stored data.</p>`
      }
    </section>`;
  }

  #preview() {
    const p = this.preview;
    const firing = p?.items.filter((i) => i.active) ?? [];
    return html`<section class="preview" data-testid="preview" aria-live="polite">
      <h3>Preview</h3>
      ${
        this.previewError
          ? html`<p class="error" data-testid="preview-error">${this.previewError}</p>`
          : !p
            ? html`<p class="muted">Evaluating…</p>`
            : html`<p data-testid="preview-summary">
                ${firing.length} of ${p.objects} ${this.#noun(p.objects)} would fire now.
              </p>
              ${
                p.items.length
                  ? html`<div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th>Object</th>
                          <th>Would fire</th>
                          <th class="num">Value</th>
                          <th>Message</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${p.items.map(
                          (i) =>
                            html`<tr data-testid="preview-item">
                              <td>${objectOf(i.labels)}</td>
                              <td>
                                <unity-badge tone=${i.active ? 'bad' : i.health === 'ok' ? 'ok' : 'warn'}
                                  >${i.active ? 'firing' : i.health === 'ok' ? 'ok' : i.health}</unity-badge
                                >
                              </td>
                              <td class="num">${i.value === null ? '–' : formatNumber(i.value)}</td>
                              <td class="wrap">
                                ${i.annotations.summary ?? ''}
                                ${
                                  i.annotations.description
                                    ? html`<br /><span class="muted">${i.annotations.description}</span>`
                                    : null
                                }
                              </td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
                  : null
              }`
      }
    </section>`;
  }
}

customElements.define('unity-rule-editor', UnityRuleEditor);

declare global {
  interface HTMLElementTagNameMap {
    'unity-rule-editor': UnityRuleEditor;
  }
}
