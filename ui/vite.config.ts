/**
 * Builds the UI to static files (ui/dist) that the hub serves at `/`. In development, `vite`
 * proxies the API and the live WebSocket to a hub on 127.0.0.1:8080 so cookies stay same-origin.
 * @module
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep every asset a file: the hub's Content-Security-Policy is `default-src 'self'`.
    assetsInlineLimit: 0,
    rolldownOptions: {
      treeshake: {
        // @unity/shared's index re-exports its zod schemas; the UI uses only types and a few pure
        // helpers from it, so its modules (and zod) are side-effect free here and drop out.
        moduleSideEffects: (id: string) => !/[/\\](shared[/\\]src|node_modules[/\\]zod)[/\\]/.test(id),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true, changeOrigin: false },
    },
  },
});
