/**
 * The chart data of a page (host or container): the chosen range, the points the hub answered
 * and the window they were asked for. Only the newest request's answer is kept, so switching
 * range or object quickly never shows an older answer over a newer one.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiResult, SeriesWindow } from '../api/client.js';
import { column, windowFor } from './series.js';
import type { RangeKey } from './unity-range-picker.js';

export type FetchSeries<P> = (span: SeriesWindow) => Promise<ApiResult<{ points: P[] }>>;

export class SeriesController<P> implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #fetch: FetchSeries<P>;
  #seq = 0;
  range: RangeKey = '1h';
  points: P[] = [];
  /** The window the points were asked for; null before the first answer. */
  span: SeriesWindow | null = null;

  constructor(host: ReactiveControllerHost, fetch: FetchSeries<P>) {
    this.#host = host;
    this.#fetch = fetch;
    host.addController(this);
  }

  hostConnected(): void {}

  /** One field of every point, for a chart. */
  column<K extends keyof P>(key: K): number[] {
    return column(this.points, key);
  }

  /** Another object is shown: forget the points and any answer still on its way. */
  reset(): void {
    this.#seq++;
    this.points = [];
    this.span = null;
    this.#host.requestUpdate();
  }

  setRange(range: RangeKey): Promise<void> {
    this.range = range;
    this.#host.requestUpdate();
    return this.load();
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    const span = windowFor(this.range);
    const res = await this.#fetch(span);
    if (seq !== this.#seq || !res.ok) return;
    this.points = res.value.points;
    this.span = span;
    this.#host.requestUpdate();
  }
}
