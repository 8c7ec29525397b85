/**
 * The Kubernetes part of the agent, loaded only when a cluster is configured (agent.ts imports
 * this module dynamically): @kubernetes/client-node is most of the bundle, and an agent without
 * clusters should neither evaluate nor hold it.
 * @module
 */
import { K8S_LOGS_COMMAND } from '@unity/shared';
import type { Logger } from 'pino';
import type { CommandDispatcher } from '../commands/dispatcher.js';
import type { KubeConfigOptions } from '../config.js';
import type { Outbox } from '../link/outbox.js';
import { KubeClusters } from './clusters.js';
import { k8sLogsCommand } from './pod-logs.js';
import { kubeSources } from './sources.js';

export function setUpKube(
  options: KubeConfigOptions,
  deps: { outbox: Outbox; notify: () => void; log: Logger; commands: CommandDispatcher },
): KubeClusters | undefined {
  const sources = kubeSources(options);
  if (sources.length === 0) return undefined;
  const kube = new KubeClusters({
    sources,
    outbox: deps.outbox,
    notify: deps.notify,
    log: deps.log,
    usageIntervalMs: options.usageIntervalMs,
    nodeName: options.nodeName,
    kubeletUrl: options.kubeletUrl,
    kubeletInsecureTls: options.kubeletInsecureTls,
    usageOnly: options.usageOnly,
  });
  deps.commands.register(
    K8S_LOGS_COMMAND,
    k8sLogsCommand((cluster) => kube.http(cluster)),
  );
  return kube;
}
