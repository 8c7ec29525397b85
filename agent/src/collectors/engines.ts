/**
 * Container engines on this host: the endpoints to try (the user's, then the well-known Docker
 * and Podman sockets), and for each one that answers `/_ping`, an engine client plus what it
 * is (`/version`: Podman names itself in Components or Platform).
 * @module
 */

import type { EngineKind, EngineRef } from '@unity/shared';
import { EngineClient } from '../engine/engine-client.js';
import { access, realpath } from '../util/fs-async.js';

export type Engine = {
  ref: EngineRef;
  client: EngineClient;
  endpoint: string;
  /** The socket's real path (symlinks resolved), so one engine reached two ways counts once. */
  key: string;
};

/**
 * Rootful Docker and Podman, then rootless Podman: `$XDG_RUNTIME_DIR/podman/podman.sock` (where
 * `systemctl --user enable podman.socket` puts it) and its usual value `/run/user/<uid>`.
 */
export const WELL_KNOWN_SOCKETS = (uid: number | undefined, runtimeDir?: string | undefined): string[] => [
  'unix:///var/run/docker.sock',
  'unix:///run/podman/podman.sock',
  ...(runtimeDir ? [`unix://${runtimeDir.replace(/\/+$/, '')}/podman/podman.sock`] : []),
  ...(uid !== undefined ? [`unix:///run/user/${uid}/podman/podman.sock`] : []),
];

/** The endpoints to probe, in order, without duplicates (`/var/run` is usually `/run`). */
export function candidateEndpoints(options: {
  dockerHosts: readonly string[];
  autodetect: boolean;
  uid?: number | undefined;
  /** `$XDG_RUNTIME_DIR`, read by config.ts. */
  runtimeDir?: string | undefined;
}): string[] {
  const all = [
    ...options.dockerHosts,
    ...(options.autodetect ? WELL_KNOWN_SOCKETS(options.uid, options.runtimeDir) : []),
  ];
  return [...new Set(all)];
}

/** An engine client for `unix:///path` or `tcp://host:port`; `timeoutMs` 0 waits forever. */
export function clientFor(endpoint: string, timeoutMs = 10_000): EngineClient {
  return new EngineClient(endpoint, { timeoutMs });
}

type VersionInfo = {
  Version?: string;
  Platform?: { Name?: string };
  Components?: Array<{ Name?: string; Version?: string }>;
};

/** Docker or Podman, from a `/version` answer. */
export function engineKind(version: VersionInfo): EngineKind {
  const names = [version.Platform?.Name ?? '', ...(version.Components ?? []).map((c) => c.Name ?? '')];
  return names.some((n) => /podman/i.test(n)) ? 'podman' : 'docker';
}

/**
 * Probes one endpoint: undefined when its socket does not exist or it does not answer `/_ping`.
 * The engine id is stable for the host: kind plus endpoint path. A freshly started Podman service
 * can take several seconds to answer its first `/version` on a busy host, hence the generous
 * timeout (a missing socket is still ruled out at once by the access check).
 */
export async function detectEngine(endpoint: string, timeoutMs = 15_000): Promise<Engine | undefined> {
  let key = endpoint;
  if (endpoint.startsWith('unix://')) {
    try {
      await access(endpoint.slice('unix://'.length));
      key = await realpath(endpoint.slice('unix://'.length));
    } catch {
      return undefined;
    }
  }
  const probe = clientFor(endpoint, timeoutMs);
  try {
    await probe.call('/_ping');
    const version = await probe.json<VersionInfo>('/version');
    const kind = engineKind(version);
    const podmanVersion = version.Components?.find((c) => /podman/i.test(c.Name ?? ''))?.Version;
    const engineVersion = (kind === 'podman' ? podmanVersion : undefined) ?? version.Version;
    const path = endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : endpoint;
    return {
      ref: {
        id: `${kind}:${path}`.slice(0, 512),
        kind,
        ...(engineVersion ? { version: engineVersion.slice(0, 64) } : {}),
      },
      client: clientFor(endpoint),
      endpoint,
      key,
    };
  } catch {
    return undefined;
  } finally {
    probe.close();
  }
}
