/**
 * What install.sh fetches from the hub, so installing an agent needs nothing from the internet:
 * the script itself, the agent bundle, and this hub's own Node.js binary (same version and
 * architecture the hub runs on).
 * @module
 */
import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import type { HubDeps } from '../types.js';
import { sendFile } from './static-ui.js';

export function downloadRoutes(deps: Pick<HubDeps, 'config'>) {
  const app = new Hono();
  const missing = (what: string) =>
    `${what} is not available on this hub; run \`npm run build\` on the hub.\n`;

  app.get('/install.sh', (c) => {
    const file = deps.config.installScript;
    if (!existsSync(file)) return c.text(missing('install.sh'), 404);
    return sendFile(c, file, 'no-cache', 'text/x-shellscript; charset=utf-8');
  });

  const bundle = (path: string, file: string, what: string) =>
    app.get(path, (c) => {
      if (!existsSync(file)) return c.text(missing(what), 404);
      return sendFile(c, file, 'no-cache', 'text/javascript; charset=utf-8');
    });
  bundle('/download/unity-agent.mjs', deps.config.agentBundle, 'The agent bundle');
  // The agent build with Kubernetes support, which the deploy/ manifests fetch (agent/build.mjs).
  bundle(
    '/download/unity-agent-k8s.mjs',
    deps.config.agentBundle.replace(/\.mjs$/, '-k8s.mjs'),
    'The agent bundle with Kubernetes support',
  );

  app.get('/download/node', (c) => {
    c.header('X-Node-Version', process.version);
    c.header('X-Node-Arch', process.arch);
    c.header('Content-Disposition', 'attachment; filename="node"');
    return sendFile(c, process.execPath, 'no-cache', 'application/octet-stream');
  });

  return app;
}
