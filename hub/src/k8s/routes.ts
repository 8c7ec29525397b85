/**
 * `/api/k8s`: clusters, their objects (nodes, pods, workloads, services, ingresses, namespaces,
 * PVCs, events…), one pod with its events, and pod logs through the agent (`follow` streams
 * them as text until the client hangs up). A cluster belongs to the host of the agent that
 * reports it: reading needs `hosts:read` on that host (`logs:read` for logs), and a cluster on a
 * host outside the caller's scopes is "not found", like one that does not exist.
 * @module
 */

import {
  K8S_LOGS_COMMAND,
  K8sClusterParamSchema,
  K8sListQuerySchema,
  K8sListSchema,
  type K8sLogsArgs,
  K8sPodLogsQuerySchema,
} from '@unity/shared';
import { type Context, Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { commandFailure } from '../agents/command-errors.js';
import { hostFilterOf, hostVisible } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { notFound } from '../errors.js';
import { paramsOf, queryOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { type ClusterRow, eventsAbout, findCluster, listClusters, listObjects } from './views.js';

const ListParams = K8sClusterParamSchema.extend({ list: K8sListSchema });
const PodParams = K8sClusterParamSchema.extend({
  namespace: z.string().min(1).max(253),
  name: z.string().min(1).max(253),
});

export function k8sRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();

  const visibleCluster = async (
    c: Context<HubEnv>,
    name: string,
    p: 'hosts:read' | 'logs:read',
  ): Promise<ClusterRow> => {
    const cluster = await findCluster(deps.db, name);
    if (!cluster || !hostVisible(await hostFilterOf(c, deps.db, p), cluster.hostId))
      throw notFound('cluster not found');
    return cluster;
  };

  app.get('/k8s/clusters', permit('hosts', 'read'), async (c) => {
    const visible = await hostFilterOf(c, deps.db, 'hosts:read');
    const items = (await listClusters(deps.db)).filter((cl) => hostVisible(visible, cl.hostId));
    return c.json({ items });
  });

  app.get('/k8s/:cluster/pods/:namespace/:name', permit('hosts', 'read'), async (c) => {
    const { cluster, namespace, name } = paramsOf(c, PodParams);
    await visibleCluster(c, cluster, 'hosts:read');
    const [pod] = await listObjects(deps.db, cluster, 'pods', { namespace, name, limit: 1 });
    if (!pod) throw notFound('pod not found');
    return c.json({ pod, events: await eventsAbout(deps.db, cluster, 'Pod', namespace, name) });
  });

  app.get('/k8s/:cluster/pods/:namespace/:name/logs', permit('logs', 'read'), async (c) => {
    const { cluster, namespace, name } = paramsOf(c, PodParams);
    const query = queryOf(c, K8sPodLogsQuerySchema);
    const row = await visibleCluster(c, cluster, 'logs:read');
    const args: K8sLogsArgs = {
      cluster,
      namespace,
      pod: name,
      tailLines: query.tailLines,
      follow: query.follow,
      ...(query.container ? { container: query.container } : {}),
    };
    if (!query.follow) {
      const lines: string[] = [];
      const result = await deps.agents.commands.run(row.hostId, K8S_LOGS_COMMAND, args, {
        timeoutMs: 20_000,
        onChunk: (chunk) => {
          lines.push(...parseLines(chunk));
        },
      });
      if (!result.ok) throw commandFailure(result.error);
      return c.json({ items: lines });
    }
    // Lines as plain text while the agent follows; the client hanging up cancels the follow.
    return stream(c, async (out) => {
      const controller = new AbortController();
      out.onAbort(() => controller.abort());
      c.header('content-type', 'text/plain; charset=utf-8');
      const result = await deps.agents.commands.run(row.hostId, K8S_LOGS_COMMAND, args, {
        timeoutMs: 0,
        signal: controller.signal,
        onChunk: async (chunk) => {
          const lines = parseLines(chunk);
          if (lines.length > 0) await out.write(`${lines.join('\n')}\n`);
        },
      });
      if (!result.ok && !controller.signal.aborted) await out.write(`# ${result.error.message}\n`);
    });
  });

  app.get('/k8s/:cluster/:list', permit('hosts', 'read'), async (c) => {
    const { cluster, list } = paramsOf(c, ListParams);
    const query = queryOf(c, K8sListQuerySchema);
    await visibleCluster(c, cluster, 'hosts:read');
    return c.json({ items: await listObjects(deps.db, cluster, list, query) });
  });

  return app;
}

/** A chunk is a JSON array of lines; anything else is the agent's fault and is refused. */
function parseLines(chunk: string): string[] {
  return z.array(z.string().max(1024 * 1024)).parse(JSON.parse(chunk));
}
