/**
 * A time-series chart: a thin Lit wrapper over uPlot. It follows its container's width
 * (ResizeObserver), takes colours from the design tokens (and rebuilds when the colour scheme
 * flips), and destroys the plot when removed. uPlot's stylesheet is adopted into the shadow root
 * from the bundle, so nothing needs an inline <style> under the hub's CSP.
 * @module
 */
import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { MISSING } from '../format.js';

export type ChartColor = 'chart-1' | 'chart-2' | 'chart-3';

export type ChartSeries = {
  label: string;
  color: ChartColor;
  values: (number | null)[];
  /** Draw as a dashed line without fill (a limit next to a usage line). */
  dashed?: boolean;
  /**
   * The lowest and highest sample inside each point (the hub's min/max of a bucket): drawn as a
   * shaded band around the line, so a spike averaged away over a long range stays visible.
   */
  band?: { min: (number | null)[]; max: (number | null)[] };
};

/** The uPlot series behind one ChartSeries: the line, then its band's max and min edges. */
type Plotted = {
  label: string;
  color: ChartColor;
  values: (number | null)[];
  role: 'line' | 'max' | 'min';
  dashed?: boolean;
};

function plotted(series: ChartSeries[]): Plotted[] {
  return series.flatMap((s): Plotted[] => {
    const line: Plotted = {
      label: s.label,
      color: s.color,
      values: s.values,
      role: 'line',
      ...(s.dashed ? { dashed: true } : {}),
    };
    if (!s.band) return [line];
    return [
      line,
      { label: 'Max', color: s.color, values: s.band.max, role: 'max' },
      { label: 'Min', color: s.color, values: s.band.min, role: 'min' },
    ];
  });
}

/** Up to this many points, each is drawn as a dot as well as joined by the line. */
const SPARSE_POINTS = 12;

export class UnityChart extends LitElement {
  static override properties = {
    label: {},
    times: { attribute: false },
    series: { attribute: false },
    format: { attribute: false },
    yMax: { type: Number, attribute: 'y-max' },
    height: { type: Number },
    binary: { type: Boolean },
    span: { attribute: false },
  };
  /** Accessible name of the chart, e.g. "CPU usage over the last hour". */
  declare label: string;
  /** Sample times, epoch ms, ascending. */
  declare times: number[];
  declare series: ChartSeries[];
  /** Formats y values for the axis and the legend. */
  declare format: (value: number) => string;
  /** The y axis extends at least this far (100 for percentages). */
  declare yMax: number | undefined;
  declare height: number;
  /** Values are bytes: put axis ticks on powers of two (8 GiB, 16 GiB) instead of 9.31 GiB. */
  declare binary: boolean;
  /** The requested window, epoch ms: the x axis shows all of it even where data is missing. */
  declare span: { from: number; to: number } | null;

  #plot: uPlot | null = null;
  #shape = '';
  #resize: ResizeObserver | null = null;
  #scheme = matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    super();
    this.label = '';
    this.times = [];
    this.series = [];
    this.format = (v) => String(v);
    this.yMax = undefined;
    this.height = 200;
    this.binary = false;
    this.span = null;
  }

  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        position: relative;
        min-width: 0;
        color: var(--u-text-muted);
        font-size: var(--u-text-sm);
      }
      .plot {
        width: 100%;
      }
      .empty {
        position: absolute;
        inset: 0 0 2rem;
        display: grid;
        place-items: center;
        pointer-events: none;
      }
      .u-legend {
        font-size: var(--u-text-sm);
        color: var(--u-text);
      }
      .u-legend .u-marker {
        border-radius: 2px;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.#scheme.addEventListener('change', this.#rebuild);
    this.#resize = new ResizeObserver(() => this.#fit());
    this.#resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#scheme.removeEventListener('change', this.#rebuild);
    this.#resize?.disconnect();
    this.#resize = null;
    this.#plot?.destroy();
    this.#plot = null;
    this.#shape = '';
  }

  override render() {
    return html`<div class="plot" role="img" aria-label=${this.label}></div>
      ${this.times.length === 0 ? html`<div class="empty">No data for this range yet</div>` : null}`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const shape = JSON.stringify([
      this.series.map((s) => [s.label, s.color, s.dashed, s.band !== undefined]),
      this.yMax,
      this.height,
    ]);
    if (!this.#plot || shape !== this.#shape || changed.has('format')) {
      this.#create(shape);
    } else if (changed.has('times') || changed.has('series') || changed.has('span')) {
      this.#plot.setData(this.#data());
    }
  }

  #rebuild = () => {
    this.#create(this.#shape);
  };

  #data(): uPlot.AlignedData {
    return [this.times.map((t) => t / 1000), ...plotted(this.series).map((s) => s.values)];
  }

  #create(shape: string): void {
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!target) return;
    this.#plot?.destroy();
    this.#shape = shape;
    const style = getComputedStyle(this);
    const token = (name: string) => style.getPropertyValue(`--u-${name}`).trim() || '#888';
    const axisColor = token('text-muted');
    const grid = { stroke: token('chart-grid'), width: 1 };
    const fmt = this.format;
    const yMax = this.yMax;
    const axisFont = `12px ${style.getPropertyValue('--u-font') || 'sans-serif'}`;
    const lines = plotted(this.series);
    const opts: uPlot.Options = {
      width: Math.max(200, this.clientWidth),
      height: this.height,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => (this.span ? [this.span.from / 1000, this.span.to / 1000] : [min, max]),
        },
        y: {
          range: (_u, min, max) => [
            Math.min(0, min ?? 0),
            Math.max(yMax ?? 0, max ?? 0, 1e-9) * (yMax ? 1 : 1.1),
          ],
        },
      },
      axes: [
        { stroke: axisColor, grid, ticks: grid, font: axisFont },
        {
          stroke: axisColor,
          grid,
          ticks: grid,
          font: axisFont,
          size: axisSize,
          values: (_u, splits) => splits.map((v) => fmt(v)),
          ...(this.binary ? { incrs: BINARY_INCRS } : {}),
        },
      ],
      series: [
        { label: 'Time' },
        ...lines.map((s) => {
          const color = token(s.color);
          const value = (_u: uPlot, v: number | null) => (v == null ? MISSING : fmt(v));
          // A band's edges are hairlines; the fill between them (below) is what the eye reads.
          if (s.role !== 'line')
            return { label: s.label, stroke: `${color}55`, width: 0.5, points: { show: false }, value };
          return {
            label: s.label,
            stroke: color,
            width: 1.5,
            ...(s.dashed ? { dash: [4, 4] } : { fill: `${color}22` }),
            // A line needs two points: a host that has just joined shows its few samples as dots.
            points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) <= SPARSE_POINTS, size: 6 },
            value,
          };
        }),
      ],
      bands: lines.flatMap((s, i) =>
        // uPlot series indexes are 1-based (0 is time); a `max` is followed by its `min`.
        s.role === 'max' ? [{ series: [i + 1, i + 2] as [number, number], fill: `${token(s.color)}33` }] : [],
      ),
    };
    this.#plot = new uPlot(opts, this.#data(), target);
  }

  #fit(): void {
    if (!this.#plot) return;
    const width = Math.max(200, this.clientWidth);
    if (width !== this.#plot.width) this.#plot.setSize({ width, height: this.height });
  }
}

/** 1, 2, 4 … 512 times each power of 1024, up to PiB. */
const BINARY_INCRS = Array.from({ length: 6 * 10 }, (_, i) => 2 ** (i % 10) * 1024 ** Math.floor(i / 10));

/** Width of the y axis from its longest label, so "1.86 MiB/s" is never clipped. */
function axisSize(u: uPlot, values: string[] | null, axisIdx: number): number {
  const axis = u.axes[axisIdx];
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  const font = axis?.font;
  u.ctx.font = Array.isArray(font) ? String(font[0]) : (font ?? '12px sans-serif');
  return Math.ceil(u.ctx.measureText(longest).width / devicePixelRatio) + 16;
}

customElements.define('unity-chart', UnityChart);

declare global {
  interface HTMLElementTagNameMap {
    'unity-chart': UnityChart;
  }
}
