/**
 * A loopback Kubernetes API server for tests (no real kube-apiserver runs here). It keeps
 * objects in memory under one global resourceVersion and speaks the documented API format
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/): lists with `limit`/`continue`
 * and a list resourceVersion, `?watch=1` as newline-delimited JSON events (ADDED, MODIFIED,
 * DELETED, BOOKMARK with `allowWatchBookmarks`), closing at `timeoutSeconds`, `410 Gone` for a
 * resourceVersion older than its event window (on connect, and mid-stream as an ERROR event with
 * a Status whose code is 410, then close), `Status` bodies for 401/404, pod logs with
 * `follow`/`tailLines`, metrics.k8s.io, and each node's kubelet summary (`/stats/summary`)
 * through the node proxy or from a loopback kubelet of its own (`startKubelet`). Faults can be injected: dropped connections,
 * half-written lines, delays. Tests mutate its objects and watch Unity react.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
type Change = { rv: number; resource: string; type: EventType; object: KubeObject };
type Watcher = { resource: string; namespace: string | undefined; res: ServerResponse; bookmarks: boolean };

/** `apiVersion` and `kind` per resource path (`<group/version>/<plural>`). */
export const RESOURCES: Record<string, { apiVersion: string; kind: string; namespaced: boolean }> = {
  'v1/nodes': { apiVersion: 'v1', kind: 'Node', namespaced: false },
  'v1/namespaces': { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  'v1/pods': { apiVersion: 'v1', kind: 'Pod', namespaced: true },
  'v1/services': { apiVersion: 'v1', kind: 'Service', namespaced: true },
  'v1/events': { apiVersion: 'v1', kind: 'Event', namespaced: true },
  'v1/resourcequotas': { apiVersion: 'v1', kind: 'ResourceQuota', namespaced: true },
  'v1/limitranges': { apiVersion: 'v1', kind: 'LimitRange', namespaced: true },
  'v1/persistentvolumeclaims': { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespaced: true },
  'apps/v1/deployments': { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  'apps/v1/statefulsets': { apiVersion: 'apps/v1', kind: 'StatefulSet', namespaced: true },
  'apps/v1/daemonsets': { apiVersion: 'apps/v1', kind: 'DaemonSet', namespaced: true },
  'apps/v1/replicasets': { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespaced: true },
  'batch/v1/jobs': { apiVersion: 'batch/v1', kind: 'Job', namespaced: true },
  'batch/v1/cronjobs': { apiVersion: 'batch/v1', kind: 'CronJob', namespaced: true },
  'discovery.k8s.io/v1/endpointslices': {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  'networking.k8s.io/v1/ingresses': { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespaced: true },
};

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  );
}

export class FakeKubeApi {
  readonly token = `fake-${randomUUID()}`;
  /** Requests seen, by path (without the query), for assertions about relists. */
  readonly requests: string[] = [];
  /** Milliseconds every answer waits before it starts. */
  delayMs = 0;
  /** Bookmark interval for open watches. */
  bookmarkMs = 1000;
  /** When set, `/apis/metrics.k8s.io` answers with these usages; otherwise 404 (no metrics-server). */
  metrics:
    | {
        pods: Map<string, { cpu: string; memory: string }>;
        nodes: Map<string, { cpu: string; memory: string }>;
      }
    | undefined;
  /** Each node's kubelet `/stats/summary` answer (see kubeletSummary in kube-fixtures). */
  readonly summaries = new Map<string, unknown>();
  readonly #kubelets: Server[] = [];
  #rv = 1;
  /** Events older than this resourceVersion are forgotten: a watch from before it gets 410. */
  #oldestRv = 1;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #history: Change[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #logs = new Map<string, { lines: string[]; followers: Set<ServerResponse> }>();
  readonly #server: Server;
  #timer: NodeJS.Timeout;

  private constructor(server: Server) {
    this.#server = server;
    this.#timer = setInterval(() => this.#bookmark(), 250);
    this.#timer.unref();
  }

  static async start(): Promise<FakeKubeApi> {
    const server = createServer();
    const api = new FakeKubeApi(server);
    server.on('request', (req, res) => {
      const go = () => api.#handle(req, res);
      if (api.delayMs > 0) setTimeout(go, api.delayMs);
      else go();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  /** A kubeconfig with one context per name, all pointing here with the bearer token. */
  writeKubeconfig(path: string, contexts: string[] = ['test']): void {
    const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${contexts[0]}`, 'clusters:'];
    // client-node refuses plain http unless TLS verification is explicitly off for the cluster.
    for (const c of contexts)
      lines.push(
        `- name: ${c}`,
        '  cluster:',
        `    server: ${this.url}`,
        '    insecure-skip-tls-verify: true',
      );
    lines.push('users:', '- name: tester', '  user:', `    token: ${this.token}`, 'contexts:');
    for (const c of contexts)
      lines.push(`- name: ${c}`, '  context:', `    cluster: ${c}`, '    user: tester');
    writeFileSync(path, `${lines.join('\n')}\n`);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(resource)?.get(key(namespace, name));
  }

  list(resource: string): KubeObject[] {
    return [...(this.#objects.get(resource)?.values() ?? [])];
  }

  /** Creates or replaces an object (ADDED or MODIFIED), stamping uid and resourceVersion. */
  apply(resource: string, object: KubeObject): KubeObject {
    const meta = RESOURCES[resource];
    if (!meta) throw new Error(`unknown resource ${resource}`);
    let bucket = this.#objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(resource, bucket);
    }
    const k = key(object.metadata.namespace, object.metadata.name);
    const previous = bucket.get(k);
    this.#rv += 1;
    const stored: KubeObject = {
      ...object,
      apiVersion: meta.apiVersion,
      kind: meta.kind,
      metadata: {
        creationTimestamp: new Date().toISOString(),
        ...object.metadata,
        uid: previous?.metadata.uid ?? object.metadata.uid ?? randomUUID(),
        resourceVersion: String(this.#rv),
      },
    };
    bucket.set(k, stored);
    this.#publish({ rv: this.#rv, resource, type: previous ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  /** Changes an object in place through `change` (a MODIFIED event). */
  update(
    resource: string,
    namespace: string | undefined,
    name: string,
    change: (o: KubeObject) => void,
  ): KubeObject {
    const current = this.get(resource, namespace, name);
    if (!current) throw new Error(`no ${resource} ${key(namespace, name)}`);
    const copy = structuredClone(current);
    change(copy);
    return this.apply(resource, copy);
  }

  remove(resource: string, namespace: string | undefined, name: string): void {
    const bucket = this.#objects.get(resource);
    const k = key(namespace, name);
    const current = bucket?.get(k);
    if (!bucket || !current) throw new Error(`no ${resource} ${k}`);
    bucket.delete(k);
    this.#rv += 1;
    const object = { ...current, metadata: { ...current.metadata, resourceVersion: String(this.#rv) } };
    this.#publish({ rv: this.#rv, resource, type: 'DELETED', object });
  }

  /**
   * Forgets the event history (etcd compaction): open watches get an ERROR event with a 410
   * Status and are closed, and any watch from an older resourceVersion gets 410 on connect, so
   * clients must relist. Changes made meanwhile must neither be lost nor doubled.
   */
  expire(): void {
    this.#oldestRv = this.#rv + 1;
    this.#history.length = 0;
    for (const w of this.#watchers) {
      w.res.end(
        `${JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: 'too old resource version',
          },
        })}\n`,
      );
    }
    this.#watchers.clear();
  }

  /** Drops every open watch connection without a word (a load balancer's idle cut). */
  dropWatches(halfLine = false): void {
    for (const w of this.#watchers) {
      if (halfLine) w.res.write('{"type":"MODIFIED","object":{"kind":');
      w.res.socket?.destroy();
    }
    this.#watchers.clear();
  }

  get openWatches(): number {
    return this.#watchers.size;
  }

  /** Appends a line to a pod's log (sent to followers at once). */
  appendLog(namespace: string, pod: string, line: string): void {
    const entry = this.#logEntry(namespace, pod);
    entry.lines.push(line);
    for (const res of entry.followers) res.write(`${line}\n`);
  }

  /**
   * A loopback kubelet for `node` (its `/stats/summary` only), checking the same bearer token the
   * way a kubelet with webhook authentication asks the API server to: another token gets 401.
   */
  async startKubelet(node: string): Promise<string> {
    const server = createServer((req, res) => {
      this.requests.push(`kubelet:${node}${req.url ?? ''}`);
      if (req.headers.authorization !== `Bearer ${this.token}`)
        status(res, 401, 'Unauthorized', 'Unauthorized');
      else if (req.url === '/stats/summary') this.#serveSummary(node, res);
      else status(res, 404, 'NotFound', '404 page not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#kubelets.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const k of this.#kubelets) {
      k.closeAllConnections();
      k.close();
    }
    for (const w of this.#watchers) w.res.socket?.destroy();
    for (const entry of this.#logs.values()) for (const res of entry.followers) res.socket?.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #logEntry(namespace: string, pod: string) {
    const k = key(namespace, pod);
    let entry = this.#logs.get(k);
    if (!entry) {
      entry = { lines: [], followers: new Set() };
      this.#logs.set(k, entry);
    }
    return entry;
  }

  #publish(change: Change): void {
    this.#history.push(change);
    // A bounded window, like the API server's watch cache.
    if (this.#history.length > 50_000) {
      const dropped = this.#history.splice(0, 10_000);
      this.#oldestRv = (dropped.at(-1)?.rv ?? this.#oldestRv) + 1;
    }
    for (const w of this.#watchers) {
      if (
        w.resource === change.resource &&
        (!w.namespace || w.namespace === change.object.metadata.namespace)
      )
        w.res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
    }
  }

  #bookmark(): void {
    const now = Date.now();
    if (now - this.#lastBookmark < this.bookmarkMs) return;
    this.#lastBookmark = now;
    for (const w of this.#watchers) {
      if (!w.bookmarks) continue;
      const meta = RESOURCES[w.resource];
      w.res.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind: meta?.kind, apiVersion: meta?.apiVersion, metadata: { resourceVersion: String(this.#rv) } } })}\n`,
      );
    }
  }
  #lastBookmark = 0;

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${url.pathname}${url.searchParams.get('watch') ? '?watch' : ''}`);
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const proxy = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/.exec(url.pathname);
    if (proxy) {
      this.#serveSummary(decodeURIComponent(proxy[1] as string), res);
      return;
    }
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (log) {
      this.#serveLog(log[1] as string, log[2] as string, url, res);
      return;
    }
    if (url.pathname.startsWith('/apis/metrics.k8s.io/v1beta1/')) {
      this.#serveMetrics(url.pathname.slice('/apis/metrics.k8s.io/v1beta1/'.length), res);
      return;
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(url.pathname);
    const resource = m ? `${m[1] ?? m[2]}/${m[4]}` : undefined;
    if (!m || !resource || !RESOURCES[resource]) {
      status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
      return;
    }
    const namespace = m[3];
    const watch = url.searchParams.get('watch');
    if (watch === '1' || watch === 'true') this.#serveWatch(resource, namespace, url, res);
    else this.#serveList(resource, namespace, url, res);
  }

  #serveList(resource: string, namespace: string | undefined, url: URL, res: ServerResponse): void {
    const meta = RESOURCES[resource] as (typeof RESOURCES)[string];
    const all = this.list(resource)
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .sort((a, b) =>
        key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name)),
      );
    const limit = Number(url.searchParams.get('limit') ?? 0);
    let start = 0;
    let listRv = String(this.#rv);
    const cont = url.searchParams.get('continue');
    if (cont) {
      // The continue token pins the list's resourceVersion, as the real server's does.
      const parsed = JSON.parse(Buffer.from(cont, 'base64url').toString()) as { start: number; rv: string };
      start = parsed.start;
      listRv = parsed.rv;
    }
    const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const next = limit > 0 && start + limit < all.length;
    const body = {
      kind: `${meta.kind}List`,
      apiVersion: meta.apiVersion,
      metadata: {
        resourceVersion: listRv,
        ...(next
          ? {
              continue: Buffer.from(JSON.stringify({ start: start + limit, rv: listRv })).toString(
                'base64url',
              ),
            }
          : {}),
      },
      items,
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  #serveWatch(resource: string, namespace: string | undefined, url: URL, res: ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') || this.#rv);
    if (from + 1 < this.#oldestRv) {
      status(res, 410, 'Expired', `too old resource version: ${from} (${this.#oldestRv})`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const change of this.#history) {
      if (
        change.rv > from &&
        change.resource === resource &&
        (!namespace || namespace === change.object.metadata.namespace)
      )
        res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
    }
    const watcher: Watcher = {
      resource,
      namespace,
      res,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
    };
    this.#watchers.add(watcher);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.#watchers.delete(watcher);
    });
  }

  #serveLog(namespace: string, pod: string, url: URL, res: ServerResponse): void {
    if (!this.get('v1/pods', namespace, pod)) {
      status(res, 404, 'NotFound', `pods "${pod}" not found`);
      return;
    }
    const entry = this.#logEntry(namespace, pod);
    const tail = url.searchParams.get('tailLines');
    const lines = tail !== null ? entry.lines.slice(-Number(tail) || entry.lines.length) : entry.lines;
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (tail === '0') res.flushHeaders();
    else res.write(lines.map((l) => `${l}\n`).join(''));
    if (url.searchParams.get('follow') !== 'true') {
      res.end();
      return;
    }
    entry.followers.add(res);
    res.on('close', () => entry.followers.delete(res));
  }

  #serveSummary(node: string, res: ServerResponse): void {
    const summary = this.summaries.get(node);
    if (!this.get('v1/nodes', undefined, node) || summary === undefined) {
      status(res, 404, 'NotFound', `nodes "${node}" not found`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(summary));
  }

  #serveMetrics(path: string, res: ServerResponse): void {
    const one = /^nodes\/([^/]+)$/.exec(path);
    if (this.metrics && one) {
      const usage = this.metrics.nodes.get(one[1] as string);
      if (!usage) status(res, 404, 'NotFound', `nodemetrics.metrics.k8s.io "${one[1]}" not found`);
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'NodeMetrics',
            apiVersion: 'metrics.k8s.io/v1beta1',
            metadata: { name: one[1] },
            timestamp: new Date().toISOString(),
            window: '15s',
            usage,
          }),
        );
      }
      return;
    }
    if (!this.metrics || (path !== 'pods' && path !== 'nodes')) {
      status(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const now = new Date().toISOString();
    const items =
      path === 'nodes'
        ? [...this.metrics.nodes].map(([name, usage]) => ({
            metadata: { name },
            timestamp: now,
            window: '15s',
            usage,
          }))
        : [...this.metrics.pods].map(([k, usage]) => {
            const [namespace, name] = k.split('/') as [string, string];
            return {
              metadata: { name, namespace },
              timestamp: now,
              window: '15s',
              containers: [{ name: 'main', usage }],
            };
          });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: path === 'nodes' ? 'NodeMetricsList' : 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items,
      }),
    );
  }
}
