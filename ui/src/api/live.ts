/**
 * The one live-update client the whole UI shares. It keeps a WebSocket to `/api/live` open while
 * anything is subscribed, reconnects with jittered backoff, and turns the hub's "changed" notices
 * into per-topic refresh calls, at most one a second per topic. While the socket is down it polls
 * instead (every 10 s), so pages stay current behind proxies that drop WebSockets.
 * @module
 */
import type { K8sList, LiveMessage } from '@unity/shared';
import { assertNever, backoffDelay, WORKLOAD_RESOURCES } from '@unity/shared';

/** `LIVE_PATH` in @unity/shared; not imported, because its module would pull zod into the bundle. */
const LIVE_PATH = '/api/live';

/**
 * `hosts`: anything about any host; `host:<id>`: one host, its metrics and its containers;
 * `container:<id>`: new events (and health) of one container; `k8s:<cluster>/<resource>`: a
 * resource of a cluster in any namespace, `k8s:<cluster>/<resource>/<namespace>` in one ('' for
 * cluster-scoped objects), and with the cluster `*` that resource in any cluster (a new one
 * too); build them with `k8sTopics`.
 */
export type LiveTopic = 'hosts' | `host:${string}` | `container:${string}` | `k8s:${string}`;
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'down';

type Callback = () => void;
type TopicState = { callbacks: Set<Callback>; lastRun: number; timer: ReturnType<typeof setTimeout> | null };

export type LiveClientOptions = {
  url: () => string;
  /** Minimum spacing of refreshes per topic, ms. */
  throttleMs?: number;
  pollMs?: number;
  createSocket?: (url: string) => WebSocket;
};

export class LiveClient {
  readonly #opts: Required<LiveClientOptions>;
  readonly #topics = new Map<LiveTopic, TopicState>();
  readonly #statusListeners = new Set<(s: LiveStatus) => void>();
  #ws: WebSocket | null = null;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #pollTimer: ReturnType<typeof setInterval> | null = null;
  #status: LiveStatus = 'idle';
  #stopped = false;

  constructor(opts: LiveClientOptions) {
    this.#opts = {
      throttleMs: 1000,
      pollMs: 10_000,
      createSocket: (url) => new WebSocket(url),
      ...opts,
    };
  }

  get status(): LiveStatus {
    return this.#status;
  }

  /** Calls `callback` (throttled) whenever `topic` may have changed. Returns an unsubscribe. */
  subscribe(topic: LiveTopic, callback: Callback): () => void {
    let state = this.#topics.get(topic);
    if (!state) {
      state = { callbacks: new Set(), lastRun: 0, timer: null };
      this.#topics.set(topic, state);
    }
    state.callbacks.add(callback);
    this.#stopped = false;
    if (!this.#ws && !this.#reconnectTimer) this.#connect();
    return () => {
      const s = this.#topics.get(topic);
      if (!s) return;
      s.callbacks.delete(callback);
      if (s.callbacks.size === 0) {
        if (s.timer) clearTimeout(s.timer);
        this.#topics.delete(topic);
      }
    };
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Closes the socket and stops reconnecting (on sign-out); the next subscribe starts again. */
  stop(): void {
    this.#stopped = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#stopPolling();
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'signed out');
    this.#setStatus('idle');
  }

  #connect(): void {
    this.#reconnectTimer = null;
    if (this.#stopped) return;
    this.#setStatus('connecting');
    let ws: WebSocket;
    try {
      ws = this.#opts.createSocket(this.#opts.url());
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.addEventListener('open', () => {
      if (this.#ws !== ws) return;
      const recovering = this.#attempt > 0;
      this.#attempt = 0;
      this.#stopPolling();
      this.#setStatus('open');
      // Whatever changed while we were away: refresh everything once.
      if (recovering) this.#notifyAll();
    });
    ws.addEventListener('message', (ev) => {
      if (this.#ws === ws && typeof ev.data === 'string') this.#onMessage(ev.data);
    });
    ws.addEventListener('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.#setStatus('down');
    this.#startPolling();
    const delay = backoffDelay(this.#attempt++, { baseMs: 1000, maxMs: 30_000 });
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #onMessage(data: string): void {
    let msg: LiveMessage;
    try {
      msg = JSON.parse(data) as LiveMessage;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'host_updated':
      case 'presence':
        this.#notify('hosts');
        this.#notify(`host:${msg.hostId}`);
        return;
      case 'container_events':
        this.#notify(`host:${msg.hostId}`);
        for (const id of msg.containerIds) this.#notify(`container:${id}`);
        return;
      case 'k8s_changed':
        for (const resource of msg.resources) {
          this.#notify(`k8s:*/${resource}`);
          const prefix = `k8s:${msg.cluster}/${resource}` as const;
          this.#notify(prefix);
          if (msg.namespaces === null) {
            for (const topic of this.#topics.keys()) if (topic.startsWith(`${prefix}/`)) this.#notify(topic);
          } else for (const ns of msg.namespaces) this.#notify(`${prefix}/${ns}`);
        }
        return;
      default:
        // A newer hub may send kinds this build does not know: ignore them at run time.
        if (typeof (msg as { type?: unknown }).type === 'string') return;
        assertNever(msg);
    }
  }

  #notifyAll(): void {
    for (const topic of this.#topics.keys()) this.#notify(topic);
  }

  /** Leading-edge call, then at most one trailing call per throttle window. */
  #notify(topic: LiveTopic): void {
    const state = this.#topics.get(topic);
    if (!state || state.timer) return;
    const wait = state.lastRun + this.#opts.throttleMs - Date.now();
    const run = () => {
      state.timer = null;
      state.lastRun = Date.now();
      for (const cb of [...state.callbacks]) cb();
    };
    if (wait <= 0) run();
    else state.timer = setTimeout(run, wait);
  }

  #startPolling(): void {
    this.#pollTimer ??= setInterval(() => this.#notifyAll(), this.#opts.pollMs);
  }

  #stopPolling(): void {
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
  }

  #setStatus(status: LiveStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const l of this.#statusListeners) l(status);
  }
}

/**
 * The topics of a page showing these lists of a cluster, in one namespace or (without one) in
 * all; `workloads` stands for every controller kind. A refresh is called once per window for
 * each topic that changed, so a page gives one callback that reloads all it shows.
 */
export function k8sTopics(cluster: string, lists: readonly K8sList[], namespace?: string): LiveTopic[] {
  const resources = new Set(lists.flatMap((l) => (l === 'workloads' ? WORKLOAD_RESOURCES : [l])));
  return [...resources].map(
    (r) => `k8s:${cluster}/${r}${namespace === undefined ? '' : `/${namespace}`}` as const,
  );
}

/** The shared instance; same origin, so the session cookie authenticates the upgrade. */
export const live = new LiveClient({
  url: () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${LIVE_PATH}`,
});
