/**
 * Podman's own (libpod) API, on the engine's socket through the same client: the
 * Docker-compatible API has no pods. Only `GET /pods/json` is needed; `/v4.0.0` is the oldest
 * libpod API version with today's pod shape, and newer Podman serves older versions too.
 * @module
 */
import type { EngineClient } from '../engine/engine-client.js';
import type { RawPod } from './inventory-build.js';

export const LIBPOD_PODS_PATH = '/v4.0.0/libpod/pods/json';

export type Libpod = { pods(): Promise<RawPod[]>; close(): Promise<void> };

/** Pods from a Podman engine's client (shared with the engine's other calls, closed with them). */
export function libpodClient(client: EngineClient): Libpod {
  return {
    async pods() {
      const body = await client.json<RawPod[] | null>(LIBPOD_PODS_PATH);
      return Array.isArray(body) ? body : [];
    },
    close: async () => undefined,
  };
}
