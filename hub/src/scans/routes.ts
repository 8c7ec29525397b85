/**
 * Image vulnerability scans: `GET /api/images/scans` (every host's latest, summarised),
 * `GET /api/containers/:id/scan` (the latest scan of the container's image) and
 * `POST /api/containers/:id/scan` (scan now; editors and admins). A host without Trivy answers
 * 501 `unsupported`, "Trivy is not installed on this host".
 * @module
 */
import { type ContainerScanResponse, ImageScanSchema } from '@unity/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { commandFailure } from '../agents/command-errors.js';
import { recordAudit } from '../audit/audit-log.js';
import { assertContainerVisible, onVisibleHosts } from '../auth/host-scope.js';
import { permit } from '../auth/require-permission.js';
import { findContainer } from '../containers/container-views.js';
import { HubError, notFound } from '../errors.js';
import { clientIp } from '../http/client-ip.js';
import { paramsOf } from '../http/validate.js';
import type { HubDeps, HubEnv } from '../types.js';
import { latestScan, listScans, saveScan } from './scan-store.js';

const ContainerParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') });

/** Trivy may first download its vulnerability database: allow minutes. */
export const SCAN_TIMEOUT_MS = 11 * 60_000;

export function scanRoutes(deps: HubDeps) {
  const app = new Hono<HubEnv>();
  /** Hosts whose agent last said it has no Trivy; forgotten when a scan arrives. */
  const missing = new Set<string>();

  app.get('/api/images/scans', permit('containers', 'read'), async (c) =>
    c.json({ items: await onVisibleHosts(c, deps.db, 'containers:read', await listScans(deps.db)) }),
  );

  app.get('/api/containers/:id/scan', permit('containers', 'read'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const container = await findContainer(deps.db, id);
    if (!container) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'containers:read', id);
    const scan = await latestScan(deps.db, container.hostId, container.image);
    const body: ContainerScanResponse = {
      image: container.image,
      hostId: container.hostId,
      scan,
      scanner: scan ? 'available' : missing.has(container.hostId) ? 'missing' : 'unknown',
    };
    return c.json(body);
  });

  app.post('/api/containers/:id/scan', permit('containers', 'act'), async (c) => {
    const { id } = paramsOf(c, ContainerParams);
    const user = c.get('user');
    if (!user) throw new Error('permit let an anonymous request through');
    const container = await findContainer(deps.db, id);
    if (!container) throw notFound('container not found');
    await assertContainerVisible(c, deps.db, 'containers:act', id);
    const result = await deps.agents.commands.run(
      container.hostId,
      'image.scan',
      { image: container.image },
      { timeoutMs: SCAN_TIMEOUT_MS },
    );
    let error: HubError | undefined;
    if (!result.ok) {
      error = commandFailure(result.error);
      if (result.error.code === 'unsupported') missing.add(container.hostId);
    }
    const scan = result.ok ? ImageScanSchema.safeParse(result.value) : undefined;
    if (scan && !scan.success) error = new HubError('agent_error', 'the agent answered an invalid scan');
    await recordAudit(deps.db, {
      user,
      ip: clientIp(c),
      action: 'image.scan',
      objectType: 'container',
      objectId: container.id,
      objectName: container.name,
      outcome: error ? error.code : 'ok',
      message: error?.message ?? null,
    });
    if (error || !scan?.success) throw error ?? new HubError('agent_error', 'no scan');
    missing.delete(container.hostId);
    await saveScan(deps.db, container.hostId, scan.data);
    return c.json({
      image: container.image,
      hostId: container.hostId,
      scan: scan.data,
      scanner: 'available',
    });
  });

  return app;
}
