/**
 * One resource of one cluster kept in sync with @kubernetes/client-node's informer (ListWatch):
 * list (paged), then watch from the list's resourceVersion with bookmarks; on 410 Gone (at
 * connect or as an ERROR event mid-stream) the informer relists and reports what vanished as
 * deletes and what changed as updates, so nothing is lost or doubled. Other failures restart it
 * with jittered backoff. The informer is handed slim objects (see slim.ts) by the transport below,
 * so its cache holds only what Unity uses.
 * @module
 */
import { createInterface } from 'node:readline';
import { ListWatch } from '@kubernetes/client-node/dist/cache.js';
import type { Watch } from '@kubernetes/client-node/dist/watch.js';
import { backoffDelay, type K8sObject, type K8sResource } from '@unity/shared';
import type { Logger } from 'pino';
import type { KubeHttp } from './kube-http.js';
import { type SlimObject, slim } from './slim.js';

/** Where each resource lives in the API (all namespaces). */
export const RESOURCE_PATHS: Record<K8sResource, string> = {
  nodes: '/api/v1/nodes',
  namespaces: '/api/v1/namespaces',
  pods: '/api/v1/pods',
  services: '/api/v1/services',
  events: '/api/v1/events',
  resourcequotas: '/api/v1/resourcequotas',
  limitranges: '/api/v1/limitranges',
  pvcs: '/api/v1/persistentvolumeclaims',
  deployments: '/apis/apps/v1/deployments',
  statefulsets: '/apis/apps/v1/statefulsets',
  daemonsets: '/apis/apps/v1/daemonsets',
  replicasets: '/apis/apps/v1/replicasets',
  jobs: '/apis/batch/v1/jobs',
  cronjobs: '/apis/batch/v1/cronjobs',
  endpointslices: '/apis/discovery.k8s.io/v1/endpointslices',
  ingresses: '/apis/networking.k8s.io/v1/ingresses',
};

/** Page size of lists, as client-go's reflector uses. */
const PAGE = 500;
/** No byte (not even a bookmark) for this long: the watch is dead, reconnect. */
const IDLE_MS = 90_000;

export type WatchSink = {
  /** The first full listing after start: the hub replaces what it had. */
  snapshot(resource: K8sResource, objects: K8sObject[]): void;
  upsert(object: K8sObject): void;
  remove(resource: K8sResource, namespace: string, name: string): void;
};

export type ResourceWatchOptions = {
  resource: K8sResource;
  http: KubeHttp;
  sink: WatchSink;
  log: Logger;
  /** Server-side watch timeout; the informer reconnects from its resourceVersion after it. */
  watchTimeoutSeconds?: number;
};

type TimeoutError = Error & { name: 'TimeoutError' };

export class ResourceWatch {
  readonly #o: ResourceWatchOptions;
  readonly #informer: ListWatch<SlimObject>;
  #snapshotSent = false;
  #stopped = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;
  /** Lists made (the first, and every relist after a 410 or an error). */
  lists = 0;

  constructor(options: ResourceWatchOptions) {
    this.#o = options;
    const path = RESOURCE_PATHS[options.resource];
    const transport = { watch: this.#watch.bind(this) } as unknown as Watch;
    this.#informer = new ListWatch<SlimObject>(path, transport, () => this.#list(), false);
    this.#informer.on('add', (o) => {
      if (this.#snapshotSent) options.sink.upsert(o.unity);
    });
    this.#informer.on('update', (o) => options.sink.upsert(o.unity));
    this.#informer.on('delete', (o) =>
      options.sink.remove(o.unity.resource, o.unity.namespace, o.unity.name),
    );
    this.#informer.on('error', (error) => this.#failed(error));
  }

  start(): void {
    this.#informer.start().catch((error: unknown) => this.#failed(error));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    await this.#informer.stop();
  }

  /** The informer's cache (slim objects). */
  objects(): K8sObject[] {
    return this.#informer.list().map((o) => o.unity);
  }

  #failed(error: unknown): void {
    if (this.#stopped) return;
    this.#failures += 1;
    const delay = backoffDelay(this.#failures - 1, { baseMs: 500, maxMs: 30_000 });
    this.#o.log.warn(
      {
        resource: this.#o.resource,
        err: error instanceof Error ? error.message : String(error),
        retryMs: Math.round(delay),
      },
      'kubernetes watch failed; retrying',
    );
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (!this.#stopped) this.start();
    }, delay);
  }

  /** Lists page by page, projecting each page before the next is read. */
  async #list(): Promise<{ metadata: { resourceVersion?: string }; items: SlimObject[] }> {
    this.lists += 1;
    const items: SlimObject[] = [];
    let cont: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = (await this.#o.http.getJson(RESOURCE_PATHS[this.#o.resource], {
        limit: String(PAGE),
        ...(cont ? { continue: cont } : {}),
      })) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
      for (const raw of page.items ?? []) items.push(slim(this.#o.resource, raw));
      resourceVersion = page.metadata?.resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    this.#failures = 0;
    return { metadata: resourceVersion ? { resourceVersion } : {}, items };
  }

  /**
   * The informer's watch transport: newline-delimited JSON events, objects projected before the
   * informer sees them. The informer calls it right after a list has been applied, which is when
   * the first snapshot is complete.
   */
  async #watch(
    _path: string,
    query: Record<string, string>,
    callback: (phase: string, obj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (!this.#snapshotSent) {
      this.#snapshotSent = true;
      this.#o.sink.snapshot(this.#o.resource, this.objects());
    }
    const controller = new AbortController();
    let finished = false;
    const finish = (error: unknown) => {
      if (finished) return;
      finished = true;
      controller.abort();
      done(error);
    };
    const timeout = this.#o.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    try {
      const res = await this.#o.http.open(
        RESOURCE_PATHS[this.#o.resource],
        { ...query, watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(timeout) },
        controller.signal,
      );
      res.socket.setTimeout(IDLE_MS, () => {
        const idle = new Error('the watch was idle too long') as TimeoutError;
        idle.name = 'TimeoutError';
        finish(idle);
      });
      const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        if (finished || line === '') return;
        let event: { type?: string; object?: unknown };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          // A half-written line from a cut connection: the reconnect resumes from the last
          // resourceVersion, so nothing is lost by skipping it.
          return;
        }
        const type = event.type ?? '';
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          callback(type, slim(this.#o.resource, event.object));
          this.#failures = 0;
        } else if (type === 'BOOKMARK' || type === 'ERROR') {
          callback(type, event.object ?? {});
        }
      });
      // A cut connection errors both the response and the line reader; either ends this watch.
      lines.on('error', (error) => finish(error));
      res.on('error', (error) => finish(error));
      res.on('close', () => finish(null));
    } catch (error) {
      if (controller.signal.aborted) finish(null);
      else finish(error);
    }
    return controller;
  }
}
