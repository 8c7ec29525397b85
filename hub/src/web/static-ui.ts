/**
 * The built UI from UNITY_UI_DIR at `/`, with the single-page-app fallback: a GET for a path
 * that is not a file (and not under /api) answers index.html, so /hosts/<id> can be reloaded.
 * @module
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT =
  'Unity hub is running, but the web UI is not built yet. Run `npm run build`, then reload.\n';

/** A file under `root` for a URL path, or undefined; never a path outside `root`. */
export function resolveUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

export function sendFile(c: Context, file: string, cache: string, type?: string): Response {
  const { size } = statSync(file);
  c.header('Content-Type', type ?? TYPES[extname(file)] ?? 'application/octet-stream');
  c.header('Content-Length', String(size));
  c.header('Cache-Control', cache);
  return c.body(Readable.toWeb(createReadStream(file)) as ReadableStream);
}

/** GET handler for everything that is not the API. */
export function serveUi(uiDir: string) {
  const root = normalize(uiDir);
  return (c: Context) => {
    const index = join(root, 'index.html');
    if (!existsSync(index)) return c.text(NOT_BUILT, 200);
    const file = resolveUnder(root, c.req.path);
    // Vite fingerprints files under assets/, so they may be cached for good; index.html may not.
    if (file)
      return sendFile(
        c,
        file,
        file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    if (extname(c.req.path) !== '') return c.text('not found\n', 404);
    return sendFile(c, index, 'no-cache');
  };
}
