/**
 * Bundles the agent into one file, `agent/dist/unity-agent.mjs`, that runs with plain
 * `node unity-agent.mjs` on Node >= 22.12 from any directory (the hub serves it to install.sh).
 * CommonJS dependencies (dockerode, pino) get `require`, `__filename` and `__dirname`; native optional
 * modules (cpu-features and any *.node, optional speed-ups of ssh2) stay external and are
 * skipped at run time when missing.
 */
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * dockerode loads gRPC and protobuf for BuildKit sessions and docker-modem loads ssh2 for ssh://
 * engines at require time. The agent builds no images and accepts only unix:// and tcp://
 * engines (config.ts), so these are replaced by empty modules: a smaller bundle that starts
 * faster and keeps less in memory. Reaching one of them would fail loudly, not silently.
 */
const unusedDockerodeParts = {
  name: 'unused-dockerode-parts',
  setup(b) {
    b.onResolve({ filter: /^(@grpc\/grpc-js|@grpc\/proto-loader|protobufjs|ssh2)$/ }, (args) => ({
      path: args.path,
      namespace: 'unused',
    }));
    b.onLoad({ filter: /.*/, namespace: 'unused' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};
const outfile = join(here, 'dist', 'unity-agent.mjs');

await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minifySyntax: true,
  legalComments: 'none',
  external: ['cpu-features', '*.node'],
  plugins: [unusedDockerodeParts],
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __unityCreateRequire } from 'node:module';",
      "import { dirname as __unityDirname } from 'node:path';",
      "import { fileURLToPath as __unityFileURLToPath } from 'node:url';",
      'const require = __unityCreateRequire(import.meta.url);',
      'const __filename = __unityFileURLToPath(import.meta.url);',
      'const __dirname = __unityDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
console.log(`built ${outfile}`);
