#!/usr/bin/env node
// Bundles every test file of the repository into test-results/bundle/ (ES modules, shared
// chunks), so that `npm test` loads each test file as a few pre-compiled files instead of
// hundreds of TypeScript modules compiled on the fly by tsx. Each test file runs in its own
// process, so that load was paid once per file (about 150): up to 5 s of CPU for a file that
// imports the hub, on a 2-core CI machine. The code under test is the same source; only the
// loading changes.
//
// Usage: node scripts/bundle-tests.mjs [test file globs...]. The hub's main.ts is bundled
// beside the tests, for the hub processes they start. Source paths stay true inside the
// bundle: `import.meta.url` (and filename/dirname) in the repository's own modules is replaced
// by the source file's URL, so fixtures, migrations and the repository root resolve as they do
// under tsx.
import { glob, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = join(ROOT, 'test-results', 'bundle');
const DEFAULT_GLOBS = [
  'shared/src/**/*.test.ts',
  'agent/src/**/*.test.ts',
  'hub/src/**/*.test.ts',
  'ui/src/**/*.test.ts',
  'test/**/*.test.ts',
];

// Packages that read their own files at run time (WebAssembly, native addons, browser
// drivers, CLIs spawned by path) stay outside the bundle and load from node_modules.
const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@node-rs/argon2',
  '@resvg/resvg-js',
  'playwright-core',
  'esbuild',
  'tsx',
  'tsx/*',
  'ssh2',
  'cpu-features',
];

/** Rewrites import.meta.url/filename/dirname in the repository's own files to their source. */
const sourceLocation = {
  name: 'source-location',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      let contents = await readFile(args.path, 'utf8');
      if (contents.includes('import.meta.')) {
        contents = contents
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.filename', JSON.stringify(args.path))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      }
      return { contents, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

async function main() {
  const globs = process.argv.slice(2);
  const entryPoints = [];
  for (const pattern of globs.length > 0 ? globs : DEFAULT_GLOBS) {
    for await (const file of glob(pattern, { cwd: ROOT, exclude: (f) => f.includes('node_modules') })) {
      entryPoints.push(join(ROOT, file));
    }
  }
  const testFiles = entryPoints.length;
  // The hub's entry point too: test/lib/hub.ts starts hub processes from it (UNITY_TEST_BUNDLE).
  entryPoints.push(join(ROOT, 'hub', 'src', 'main.ts'));
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  const started = Date.now();
  await build({
    entryPoints,
    outbase: ROOT,
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: 'linked',
    sourcesContent: false,
    external: EXTERNAL,
    logLevel: 'warning',
    plugins: [sourceLocation],
    // CommonJS packages bundled into ES modules still call require() and read __dirname.
    banner: {
      js: "import { createRequire as __unityRequire } from 'node:module'; const require = __unityRequire(import.meta.url);",
    },
  });
  console.error(
    `bundled ${testFiles} test files and the hub into ${relative(ROOT, BUNDLE_DIR)} in ${Date.now() - started} ms`,
  );
}

await main();
