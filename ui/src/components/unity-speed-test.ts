/**
 * The host page's "Speed test" section: the last result between this host's agent and the hub
 * (download, upload, latency, jitter), "Run now" with the test's progress while it runs, the
 * schedule, and charts of the history. Polls once a second while a test runs, so progress and
 * the result appear without a reload.
 * @module
 */
import {
  type Me,
  SPEEDTEST_MIN_INTERVAL_MINUTES,
  type SpeedTest,
  type SpeedTestList,
  type SpeedTestPhase,
} from '@unity/shared';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { api } from '../api/client.js';
import { speedTestsApi } from '../api/speed-tests-client.js';
import { formatNumber, formatRelative, MISSING } from '../format.js';
import { base, controls, surfaces } from './styles.js';
import './unity-badge.js';
import './unity-chart.js';

const PHASES: Record<SpeedTestPhase, string> = {
  starting: 'Starting',
  latency: 'Measuring latency',
  download: 'Measuring download',
  upload: 'Measuring upload',
};

/** The schedule choices offered; the API takes any whole number of minutes from 15 to 7 days. */
const INTERVALS: { minutes: number | null; label: string }[] = [
  { minutes: null, label: 'Off' },
  { minutes: SPEEDTEST_MIN_INTERVAL_MINUTES, label: 'Every 15 minutes' },
  { minutes: 60, label: 'Every hour' },
  { minutes: 360, label: 'Every 6 hours' },
  { minutes: 1440, label: 'Every day' },
];

const mbps = (v: number | null) => (v === null ? MISSING : `${formatNumber(v, v < 10 ? 2 : 1)} Mbit/s`);
const ms = (v: number | null) => (v === null ? MISSING : `${formatNumber(v, v < 10 ? 2 : 1)} ms`);

export class UnitySpeedTest extends LitElement {
  static override properties = {
    hostId: { attribute: 'host-id' },
    data: { state: true },
    me: { state: true },
    error: { state: true },
    starting: { state: true },
  };
  declare hostId: string;
  declare data: SpeedTestList | null;
  declare me: Me | null;
  declare error: string;
  declare starting: boolean;
  #poll: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.hostId = '';
    this.data = null;
    this.me = null;
    this.error = '';
    this.starting = false;
  }

  static override styles = [
    base,
    controls,
    surfaces,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--u-space-3);
        align-items: center;
        margin-bottom: var(--u-space-4);
      }
      label {
        display: inline-flex;
        gap: var(--u-space-2);
        align-items: center;
      }
      progress {
        width: 12rem;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr));
        gap: var(--u-space-4);
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

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#poll);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('hostId') && this.hostId) {
      this.data = null;
      this.error = '';
      void this.load();
    }
  }

  get #running(): SpeedTest | undefined {
    return this.data?.items.find((t) => t.state === 'running');
  }

  #can(permission: 'probes:act' | 'probes:write'): boolean {
    return this.me?.permissions?.includes(permission) ?? false;
  }

  async load(): Promise<void> {
    const id = this.hostId;
    const res = await speedTestsApi.list(id);
    if (id !== this.hostId) return;
    if (!res.ok) {
      if (res.error.status !== 401) this.error = res.error.message;
      return;
    }
    this.data = res.value;
    clearTimeout(this.#poll);
    if (this.#running) this.#poll = setTimeout(() => void this.load(), 1000);
  }

  async #run(): Promise<void> {
    this.starting = true;
    this.error = '';
    const res = await speedTestsApi.run(this.hostId);
    this.starting = false;
    if (!res.ok) this.error = res.error.message;
    await this.load();
  }

  async #schedule(event: Event): Promise<void> {
    const value = (event.target as HTMLSelectElement).value;
    const res = await speedTestsApi.setSchedule(this.hostId, value === '' ? null : Number(value));
    if (!res.ok) this.error = res.error.message;
    await this.load();
  }

  override render() {
    const data = this.data;
    return html`<section aria-labelledby="speed-title" data-testid="speed-test">
      <div class="section-head"><h2 id="speed-title">Speed test</h2></div>
      <p class="muted">Between this host's agent and the hub, over the agent's own connection.</p>
      ${this.error ? html`<p class="error" role="alert" data-testid="speed-error">${this.error}</p>` : null}
      ${data === null ? html`<p class="muted">Loading speed tests…</p>` : this.#body(data)}
    </section>`;
  }

  #body(data: SpeedTestList) {
    const running = this.#running;
    const last = data.items.find((t) => t.state !== 'running');
    return html`<div class="row">
        ${
          this.#can('probes:act')
            ? html`<button
              type="button"
              data-testid="speed-run"
              ?disabled=${running !== undefined || this.starting}
              @click=${() => void this.#run()}
            >
              ${running || this.starting ? 'Running…' : 'Run now'}
            </button>`
            : null
        }
        ${
          running
            ? html`<span role="status" data-testid="speed-progress"
              >${PHASES[running.phase ?? 'starting']}
              <progress max="100" .value=${running.percent ?? 0}></progress>
              ${formatNumber(running.percent ?? 0, 0)}%</span
            >`
            : null
        }
        ${this.#scheduleControl(data)}
      </div>
      ${last ? this.#last(last) : html`<p class="muted" data-testid="speed-none">No speed test yet.</p>`}
      ${this.#charts(data.items)}`;
  }

  #scheduleControl(data: SpeedTestList) {
    const current = data.schedule.intervalMinutes;
    const known = INTERVALS.some((i) => i.minutes === current);
    const options = known
      ? INTERVALS
      : [...INTERVALS, { minutes: current, label: `Every ${current} minutes` }];
    const next = data.schedule.nextRunAt ? Date.parse(data.schedule.nextRunAt) : null;
    return html`<label
        >Schedule
        <select
          data-testid="speed-schedule"
          ?disabled=${!this.#can('probes:write')}
          @change=${(e: Event) => void this.#schedule(e)}
        >
          ${options.map(
            (o) =>
              html`<option value=${o.minutes ?? ''} ?selected=${o.minutes === current}>${o.label}</option>`,
          )}
        </select></label
      >
      ${next !== null ? html`<span class="muted">next ${next <= Date.now() ? 'soon' : `at ${new Date(next).toLocaleString()}`}</span>` : null}`;
  }

  #last(t: SpeedTest) {
    const fact = (label: string, value: string, testid: string) =>
      html`<div><dt>${label}</dt><dd data-testid=${testid}>${value}</dd></div>`;
    if (t.state === 'failed') {
      return html`<p class="error" data-testid="speed-failed">
        The last test (${formatRelative(Date.parse(t.time))}) failed: ${t.error ?? 'no reason given'}
      </p>`;
    }
    return html`<dl class="facts" data-testid="speed-last">
      ${fact('Download', mbps(t.downloadMbps), 'speed-download')} ${fact('Upload', mbps(t.uploadMbps), 'speed-upload')}
      ${fact('Latency', ms(t.latencyMs), 'speed-latency')} ${fact('Jitter', ms(t.jitterMs), 'speed-jitter')}
      ${fact('Tested', formatRelative(Date.parse(t.time)), 'speed-time')}
    </dl>`;
  }

  #charts(items: SpeedTest[]) {
    const ok = items.filter((t) => t.state === 'ok').reverse();
    if (ok.length < 2) return null;
    const times = ok.map((t) => Date.parse(t.time));
    return html`<div class="charts">
      <div class="card">
        <h3>Throughput</h3>
        <unity-chart
          label="Speed test download and upload"
          .times=${times}
          .series=${[
            { label: 'Download', color: 'chart-1', values: ok.map((t) => t.downloadMbps) },
            { label: 'Upload', color: 'chart-2', values: ok.map((t) => t.uploadMbps) },
          ]}
          .format=${(v: number) => mbps(v)}
        ></unity-chart>
      </div>
      <div class="card">
        <h3>Latency</h3>
        <unity-chart
          label="Speed test latency and jitter"
          .times=${times}
          .series=${[
            { label: 'Latency', color: 'chart-1', values: ok.map((t) => t.latencyMs) },
            { label: 'Jitter', color: 'chart-3', values: ok.map((t) => t.jitterMs) },
          ]}
          .format=${(v: number) => ms(v)}
        ></unity-chart>
      </div>
    </div>`;
  }
}

customElements.define('unity-speed-test', UnitySpeedTest);

declare global {
  interface HTMLElementTagNameMap {
    'unity-speed-test': UnitySpeedTest;
  }
}
