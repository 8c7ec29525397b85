/**
 * Bundles the agent into one file, `agent/dist/unity-agent.mjs`, that runs with plain
 * `node unity-agent.mjs` on Node >= 22.12 from any directory (the hub serves it to install.sh).
 * A second file, `unity-agent-k8s.mjs`, also carries Kubernetes support (@kubernetes/client-node
 * and its dependencies, about 3 MB of source); the deploy/ manifests fetch that one. Kept out of
 * the host agent, it would cost every agent about 15 MiB of memory, watching a cluster or not.
 * `node build.mjs --outdir DIR` writes both into DIR instead of dist/.
 * CommonJS dependencies (pino, ws) get `require`, `__filename` and `__dirname`; native optional
 * modules (any *.node, e.g. ws's optional speed-ups) stay external and are skipped at run time
 * when missing.
 */
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * zod re-exports all of its ~50 error-message locales as `z.locales`, which keeps them in the
 * bundle (about 360 KB of source to parse and hold). The agent speaks English only (zod's
 * default, which zod imports on its own), so `z.locales` is cut down to `en`.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};
/** The host agent's stand-in for `k8s/start.ts`: a clear error instead of the client library. */
const withoutKubernetes = {
  name: 'without-kubernetes',
  setup(b) {
    b.onResolve({ filter: /^\.\/k8s\/start\.js$/ }, () => ({ path: 'k8s-start', namespace: 'no-k8s' }));
    b.onLoad({ filter: /.*/, namespace: 'no-k8s' }, () => ({
      contents: `export function setUpKube() {
        throw new Error('this agent build has no Kubernetes support: run unity-agent-k8s.mjs (GET /download/unity-agent-k8s.mjs from the hub)');
      }`,
      loader: 'js',
    }));
  },
};

const outFlag = process.argv.indexOf('--outdir');
const outdir = outFlag > 0 ? process.argv[outFlag + 1] : join(here, 'dist');

for (const [name, kubernetes] of [
  ['unity-agent.mjs', false],
  ['unity-agent-k8s.mjs', true],
]) {
  const outfile = join(outdir, name);
  await bundle(outfile, kubernetes ? [englishOnlyZod] : [englishOnlyZod, withoutKubernetes]);
  await chmod(outfile, 0o755);
  console.log(`built ${outfile}`);
}

async function bundle(outfile, plugins) {
  await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    external: ['*.node'],
    plugins,
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
}
