/**
 * A Lit reactive controller that ties a component to live topics: it subscribes while the
 * component is connected and calls `refresh` when one of its topics may have changed. When
 * `refresh` returns a promise, a notice during it queues one more refresh after it instead of
 * a second one alongside (pages with several topics get notices on several at once).
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type LiveTopic, live } from './live.js';

export class LiveRefresh implements ReactiveController {
  readonly #topics: () => LiveTopic[];
  readonly #refresh: () => void | Promise<void>;
  #unsubscribe: (() => void)[] = [];
  #key = '';
  #connected = false;
  #queued = false;
  #running = false;
  #again = false;

  constructor(host: ReactiveControllerHost, topics: () => LiveTopic[], refresh: () => void | Promise<void>) {
    this.#topics = topics;
    this.#refresh = refresh;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#clear();
  }

  /** Re-reads the topics (call after the ids they depend on change). */
  sync(): void {
    if (!this.#connected) return;
    const topics = this.#topics();
    const key = topics.join('\n');
    if (key === this.#key) return;
    this.#clear();
    this.#key = key;
    this.#unsubscribe = topics.map((t) => live.subscribe(t, this.#coalesced));
  }

  /** One notice names several of a page's topics (pods and events…): one refresh for all. */
  readonly #coalesced = (): void => {
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (!this.#connected) return;
      const done = this.#refresh();
      if (!done) return;
      this.#running = true;
      void done
        .catch(() => {})
        .finally(() => {
          this.#running = false;
          if (!this.#again) return;
          this.#again = false;
          this.#coalesced();
        });
    });
  };

  #clear(): void {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    this.#key = '';
  }
}
