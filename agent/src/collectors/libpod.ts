/**
 * Podman's own (libpod) API, spoken with undici on the engine's socket: the Docker-compatible API
 * that dockerode uses has no pods. Only `GET /pods/json` is needed; `/v4.0.0` is the oldest
 * libpod API version with today's pod shape, and newer Podman serves older versions too.
 * @module
 */
import { Client } from 'undici';
import type { RawPod } from './inventory-build.js';

export const LIBPOD_PODS_PATH = '/v4.0.0/libpod/pods/json';

export type Libpod = { pods(): Promise<RawPod[]>; close(): Promise<void> };

/** A libpod client for `unix:///path` or `tcp://host:port`. */
export function libpodClient(endpoint: string, timeoutMs = 10_000): Libpod {
  const client = endpoint.startsWith('unix://')
    ? new Client('http://podman', {
        socketPath: endpoint.slice('unix://'.length),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
    : new Client(endpoint.replace(/^tcp:/, 'http:'), { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    async pods() {
      const res = await client.request({ method: 'GET', path: LIBPOD_PODS_PATH });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new Error(`libpod ${LIBPOD_PODS_PATH} answered ${res.statusCode}`);
      }
      const body = (await res.body.json()) as RawPod[] | null;
      return Array.isArray(body) ? body : [];
    },
    close: () => client.close(),
  };
}
