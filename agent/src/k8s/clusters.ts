/**
 * The Kubernetes clusters this agent watches: one per kubeconfig context it was given (or the
 * in-cluster service account), each with a name and a priority. Every cluster runs one informer
 * per resource; their changes go into the outbox about four times a second, so they are
 * acknowledged, replayed after a hub outage and stored once like every other item.
 * @module
 */
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { type BatchItem, K8S_RESOURCES, type K8sClusterRef } from '@unity/shared';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import type { Outbox } from '../link/outbox.js';
import { splitItems } from '../link/split.js';
import { ChangeQueue } from './change-queue.js';
import { type KubeHttp, kubeHttp, kubeletHttp } from './kube-http.js';
import { ResourceWatch } from './resource-watch.js';
import { readUsage, type UsageSource } from './usage.js';

export type KubeSource =
  | { kind: 'in-cluster'; cluster: K8sClusterRef }
  | { kind: 'kubeconfig'; path: string; context: string | undefined; cluster: K8sClusterRef };

export type ClusterOptions = {
  sources: KubeSource[];
  outbox: Outbox;
  notify: () => void;
  log: Logger;
  /** How often resource use is read (default 30 s). */
  usageIntervalMs?: number;
  flushMs?: number;
  /** The node this agent runs on (its kubelet summary is the fallback for resource use). */
  nodeName?: string | undefined;
  /** The kubelet's URL, to read it directly rather than through the API server. */
  kubeletUrl?: string | undefined;
  kubeletInsecureTls?: boolean;
  /** Report this node's resource use only; no watches. */
  usageOnly?: boolean;
};

type Cluster = {
  ref: K8sClusterRef;
  http: KubeHttp;
  queue: ChangeQueue;
  watches: ResourceWatch[];
  usage: UsageSource;
};

function kubeConfigFor(source: KubeSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.kind === 'in-cluster') kc.loadFromCluster();
  else {
    kc.loadFromFile(source.path);
    if (source.context) kc.setCurrentContext(source.context);
  }
  return kc;
}

export class KubeClusters {
  readonly #o: ClusterOptions;
  readonly clusters: Cluster[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #usageTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: ClusterOptions) {
    this.#o = options;
    for (const source of options.sources) {
      const kc = kubeConfigFor(source);
      const http = kubeHttp(kc);
      const log = options.log.child({ cluster: source.cluster.name });
      const queue = new ChangeQueue(source.cluster, log);
      const watches = options.usageOnly
        ? []
        : K8S_RESOURCES.map((resource) => new ResourceWatch({ resource, http, sink: queue, log }));
      const usage: UsageSource = {
        cluster: source.cluster,
        http,
        node: options.nodeName,
        kubelet:
          options.nodeName && options.kubeletUrl
            ? kubeletHttp(kc, options.kubeletUrl, options.kubeletInsecureTls ?? false)
            : undefined,
        usageOnly: options.usageOnly ?? false,
      };
      this.clusters.push({ ref: source.cluster, http, queue, watches, usage });
    }
  }

  start(): void {
    for (const c of this.clusters) for (const w of c.watches) w.start();
    this.#flushTimer = setInterval(() => this.flush(), this.#o.flushMs ?? 250);
    this.#flushTimer.unref();
    const usage = () => {
      for (const c of this.clusters) {
        readUsage(c.usage, Date.now()).then(
          (item) => (item ? this.#append([item]) : undefined),
          (error: unknown) =>
            this.#o.log.warn(
              { cluster: c.ref.name, node: c.usage.node, err: errorMessage(error) },
              'could not read resource use (metrics.k8s.io or the kubelet summary)',
            ),
        );
      }
    };
    setTimeout(usage, 2000).unref();
    this.#usageTimer = setInterval(usage, this.#o.usageIntervalMs ?? 30_000);
    this.#usageTimer.unref();
  }

  http(cluster: string): KubeHttp | undefined {
    return this.clusters.find((c) => c.ref.name === cluster)?.http;
  }

  /** Moves queued changes into the outbox; serialised, so items keep their order. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const items = this.clusters.flatMap((c) => c.queue.take());
      if (items.length > 0) await this.#append(items);
    });
    return this.#flushing;
  }

  async #append(items: BatchItem[]): Promise<void> {
    try {
      const { chunks, dropped } = splitItems(items);
      for (const item of dropped)
        this.#o.log.error({ kind: item.kind }, 'dropping an item too large for one frame');
      for (const chunk of chunks) await this.#o.outbox.append(chunk);
      this.#o.notify();
    } catch (error) {
      this.#o.log.error({ err: errorMessage(error) }, 'could not store kubernetes changes in the outbox');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#usageTimer);
    await Promise.all(this.clusters.flatMap((c) => c.watches.map((w) => w.stop())));
    await this.flush();
  }
}
