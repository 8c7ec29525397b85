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
import { builtinModules } from 'node:module';
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

/**
 * Built-in modules through `require`, not through `import`: Node hands an ESM import of a
 * built-in a namespace with every export copied, which runs every lazy getter of that module.
 * `import { promisify } from 'node:util'` so loads `parseArgs`, `diff` and `worker_threads`;
 * an import of `node:fs` loads `fs/promises` with `readline` and the REPL's history. And a
 * single-file ESM bundle hoists every static import to its top, so a dependency loaded only
 * when it is used (postgres, for a PostgreSQL probe) would load its built-ins at start anyway.
 * Each module loaded stays resident (its code, and its source pages of the `node` binary).
 * Static imports of built-ins become CommonJS stand-ins that `require` them where the bundle
 * first needs them; esbuild's interop reads their exports one at a time, when used.
 * `node:util` is the exception: its module object loads a lazy export's module when that
 * export's property descriptor is read, which the interop does for all of them (13 modules,
 * `worker_threads` among them). It is re-exported by name instead, so importing a name not
 * listed here fails the build.
 */
const UTIL_EXPORTS = ['parseArgs', 'promisify'];

/**
 * Built-ins that load only when one of their exports is first read: `tls` and `https`, with
 * OpenSSL's TLS side, cost an agent about 2.7 MiB of resident memory (issue 3's 60 MB figure),
 * and an agent whose hub is a plain `http://` URL, probing nothing over TLS, never uses them.
 * `zlib` is for gzipped Prometheus scrapes only (the agent link is not compressed). ws requires
 * all three at its top, for `wss:` URLs and for compression. Their stand-in is an object of
 * getters (and setters) with the module's property names, read here at build time (zlib's
 * `Z_*` constants are not enumerable), each loading the module on first use.
 */
const LAZY_BUILTINS = new Set(['https', 'tls', 'zlib']);

function lazyBuiltin(name) {
  const keys = Object.getOwnPropertyNames(process.getBuiltinModule(`node:${name}`));
  return `let loaded;
    const load = () => (loaded ??= process.getBuiltinModule('node:${name}'));
    for (const key of ${JSON.stringify(keys)})
      Object.defineProperty(exports, key, {
        enumerable: true,
        get: () => load()[key],
        set: (value) => { load()[key] = value; },
      });`;
}

const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      if (LAZY_BUILTINS.has(name)) return { path: name, namespace: 'builtin-lazy' };
      if (args.kind !== 'import-statement') return undefined;
      return { path: name, namespace: 'builtin-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents:
        args.path === 'util'
          ? `const util = require('node:util');
             export default util;
             export const { ${UTIL_EXPORTS.join(', ')} } = util;`
          : `module.exports = require('node:${args.path}');`,
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'builtin-lazy' }, (args) => ({
      contents: lazyBuiltin(args.path),
      loader: 'js',
    }));
  },
};

/**
 * pino's worker-thread transports (`thread-stream`, with `worker_threads` and `assert`): the
 * agent logs to stdout and never starts a transport, so thread-stream is a stand-in that says
 * so, and pino's `isMainThread` check is answered without loading `worker_threads`. sonic-boom
 * (pino's stdout writer) requires `assert` for one argument check; a plain function makes it.
 */
const withoutPinoTransports = {
  name: 'without-pino-transports',
  setup(b) {
    const stub = (path, contents) => ({ path, namespace: 'pino-stub', pluginData: contents });
    b.onResolve({ filter: /^thread-stream$/ }, (args) =>
      /[\\/]pino[\\/]/.test(args.importer)
        ? stub(
            'thread-stream',
            `module.exports = class ThreadStream {
              constructor() { throw new Error('pino transports are not part of the agent build'); }
            };`,
          )
        : undefined,
    );
    b.onResolve({ filter: /^worker_threads$/ }, (args) =>
      /[\\/]pino[\\/]lib[\\/]tools\.js$/.test(args.importer)
        ? stub('worker_threads', 'module.exports = { isMainThread: true };')
        : undefined,
    );
    b.onResolve({ filter: /^assert$/ }, (args) =>
      /[\\/]sonic-boom[\\/]/.test(args.importer)
        ? stub(
            'assert',
            `module.exports = function assert(value, message) {
              if (!value) throw new Error(message);
            };`,
          )
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'pino-stub' }, (args) => ({
      contents: args.pluginData,
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
  await bundle(
    outfile,
    kubernetes
      ? [englishOnlyZod, builtinsByRequire, withoutPinoTransports]
      : [englishOnlyZod, builtinsByRequire, withoutPinoTransports, withoutKubernetes],
  );
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
    // process.getBuiltinModule, not `import`: see builtinsByRequire (an import of node:module
    // alone would load the module-hooks machinery, worker_threads included).
    banner: {
      js: [
        '#!/usr/bin/env node',
        "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
        "const __filename = process.getBuiltinModule('node:url').fileURLToPath(import.meta.url);",
        "const __dirname = process.getBuiltinModule('node:path').dirname(__filename);",
      ].join('\n'),
    },
    logLevel: 'warning',
  });
}
