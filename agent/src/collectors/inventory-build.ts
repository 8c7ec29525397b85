/**
 * Pure builders from the engine's raw listings (Docker-compatible `/images/json`, `/volumes`,
 * `/networks`, `/system/df`, `/containers/json` and libpod's `/pods/json`) to the `inventory`
 * item's objects. "Used by" comes from the container listing, which names each container's image
 * id, volume mounts and networks; the raw types are loose because Docker and Podman leave
 * different fields null.
 * @module
 */
import type {
  ImageInfo,
  NetworkAttachment,
  NetworkInfo,
  PodInfo,
  PortMapping,
  VolumeInfo,
} from '@unity/shared';
import { compareText } from '../util/compare-text.js';

export type RawContainer = {
  Id: string;
  Names?: string[] | null;
  ImageID?: string | null;
  State?: string | null;
  Ports?: Array<{ PrivatePort: number; PublicPort?: number; IP?: string; Type?: string }> | null;
  Mounts?: Array<{ Type?: string; Name?: string }> | null;
  NetworkSettings?: {
    Networks?: Record<string, { NetworkID?: string; IPAddress?: string } | null> | null;
  } | null;
};
export type RawImage = {
  Id: string;
  RepoTags?: string[] | null;
  Size?: number | null;
  Created?: number | null;
};
export type RawVolume = {
  Name: string;
  Driver?: string | null;
  Mountpoint?: string | null;
  CreatedAt?: string | null;
  Labels?: Record<string, string> | null;
};
export type RawNetwork = {
  Id: string;
  Name: string;
  Driver?: string | null;
  Scope?: string | null;
  Internal?: boolean | null;
  Containers?: Record<string, { Name?: string; IPv4Address?: string } | null> | null;
};
/** `/system/df`: only the volume sizes are read (Docker reports -1 for "not computed"). */
export type RawDf = { Volumes?: Array<{ Name?: string; UsageData?: { Size?: number } | null }> | null };
export type RawPod = {
  Id: string;
  Name?: string;
  Status?: string;
  InfraId?: string;
  Created?: string;
  Labels?: Record<string, string> | null;
  Containers?: Array<{ Id: string; Names?: string; Status?: string }> | null;
};

/** Image ids with and without the `sha256:` prefix name the same image. */
const bareId = (id: string) => id.replace(/^sha256:/, '');
const nameOf = (c: RawContainer) => (c.Names?.[0] ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
const isoMs = (s: string | null | undefined): number | undefined => {
  const t = s ? Date.parse(s) : Number.NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
};
const clip = (s: string | null | undefined, max: number) => (s ?? '').slice(0, max);
const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    compareText(key(a), key(b));
const portsOf = (c: RawContainer): PortMapping[] =>
  (c.Ports ?? []).slice(0, 512).map((p) => ({
    privatePort: p.PrivatePort,
    ...(p.PublicPort ? { publicPort: p.PublicPort } : {}),
    ...(p.IP ? { ip: p.IP.slice(0, 64) } : {}),
    protocol: (p.Type || 'tcp').slice(0, 8),
  }));

/** `<none>:<none>` is how Docker spells "no tag". */
const realTags = (tags: string[] | null | undefined) =>
  (tags ?? []).filter((t) => t && t !== '<none>:<none>');

export function buildImages(images: readonly RawImage[], containers: readonly RawContainer[]): ImageInfo[] {
  const users = new Map<string, string[]>();
  for (const c of containers) {
    if (!c.ImageID) continue;
    const key = bareId(c.ImageID);
    users.set(key, [...(users.get(key) ?? []), c.Id]);
  }
  return images
    .map((i): ImageInfo => {
      const tags = realTags(i.RepoTags).map((t) => t.slice(0, 512));
      return {
        id: i.Id.slice(0, 128),
        tags: tags.slice(0, 256).sort(),
        sizeBytes: Math.max(0, i.Size ?? 0),
        ...(i.Created && i.Created > 0 ? { createdAt: i.Created * 1000 } : {}),
        dangling: tags.length === 0,
        containers: (users.get(bareId(i.Id)) ?? []).sort(),
      };
    })
    .sort(byKey((i) => i.id));
}

export function buildVolumes(
  volumes: readonly RawVolume[],
  containers: readonly RawContainer[],
  df: RawDf | undefined,
): VolumeInfo[] {
  const users = new Map<string, string[]>();
  for (const c of containers)
    for (const m of c.Mounts ?? [])
      if (m.Type === 'volume' && m.Name) users.set(m.Name, [...(users.get(m.Name) ?? []), c.Id]);
  const sizes = new Map<string, number>();
  for (const v of df?.Volumes ?? []) {
    const size = v.UsageData?.Size;
    if (v.Name && typeof size === 'number' && size >= 0) sizes.set(v.Name, size);
  }
  return volumes
    .map((v): VolumeInfo => {
      const size = sizes.get(v.Name);
      const createdAt = isoMs(v.CreatedAt);
      const labels: Record<string, string> = {};
      for (const [k, val] of Object.entries(v.Labels ?? {}))
        labels[k.slice(0, 256)] = String(val).slice(0, 4096);
      return {
        name: clip(v.Name, 256),
        driver: clip(v.Driver, 128),
        mountpoint: clip(v.Mountpoint, 4096),
        ...(size !== undefined ? { sizeBytes: size } : {}),
        ...(createdAt ? { createdAt } : {}),
        labels,
        containers: (users.get(v.Name) ?? []).sort(),
      };
    })
    .sort(byKey((v) => v.name));
}

/**
 * Attachments come from each container's NetworkSettings (keyed by network name; Docker also
 * gives the network id) and, where the engine fills it (Podman), the network's own Containers
 * map; Podman's compat API calls its default network `bridge` in the list but `podman` on the
 * container, so both sources are merged.
 */
export function buildNetworks(
  networks: readonly RawNetwork[],
  containers: readonly RawContainer[],
): NetworkInfo[] {
  const byId = new Map(containers.map((c) => [c.Id, c]));
  return networks
    .map((n): NetworkInfo => {
      const attached = new Map<string, NetworkAttachment>();
      const attach = (c: RawContainer | undefined, id: string, name: string, ip: string | undefined) => {
        if (attached.has(id)) return;
        const ipv4 = ip?.replace(/\/\d+$/, '');
        attached.set(id, {
          id: id.slice(0, 128),
          name: clip(c ? nameOf(c) : name || id.slice(0, 12), 256),
          ...(ipv4 ? { ipv4: ipv4.slice(0, 64) } : {}),
          ports: c ? portsOf(c) : [],
        });
      };
      for (const c of containers)
        for (const [netName, settings] of Object.entries(c.NetworkSettings?.Networks ?? {}))
          if (netName === n.Name || (settings?.NetworkID && settings.NetworkID === n.Id))
            attach(c, c.Id, nameOf(c), settings?.IPAddress || undefined);
      for (const [id, info] of Object.entries(n.Containers ?? {}))
        attach(byId.get(id), id, info?.Name ?? '', info?.IPv4Address || undefined);
      return {
        id: n.Id.slice(0, 128),
        name: clip(n.Name, 256),
        driver: clip(n.Driver, 128),
        ...(n.Scope ? { scope: n.Scope.slice(0, 64) } : {}),
        internal: n.Internal === true,
        containers: [...attached.values()].sort(byKey((a) => a.id)),
      };
    })
    .sort(byKey((n) => n.id));
}

export function buildPods(pods: readonly RawPod[]): PodInfo[] {
  return pods
    .map((p): PodInfo => {
      const createdAt = isoMs(p.Created);
      return {
        id: p.Id.slice(0, 128),
        name: clip(p.Name, 256),
        status: clip(p.Status, 64),
        ...(p.InfraId ? { infraId: p.InfraId.slice(0, 128) } : {}),
        ...(createdAt ? { createdAt } : {}),
        labels: { ...(p.Labels ?? {}) },
        containers: (p.Containers ?? [])
          .slice(0, 1024)
          .map((c) => ({ id: c.Id.slice(0, 128), name: clip(c.Names, 256), status: clip(c.Status, 64) }))
          .sort(byKey((c) => c.id)),
      };
    })
    .sort(byKey((p) => p.id));
}

/**
 * What about the container listing makes the inventory stale: a container came or went, or
 * changed state (pods follow their containers), image, mounts or networks. Cheap, so it is checked on every stats tick.
 */
export function containerFingerprint(containers: readonly RawContainer[]): string {
  return containers
    .map((c) =>
      [
        c.Id,
        c.State ?? '',
        c.ImageID ?? '',
        (c.Mounts ?? []).map((m) => m.Name ?? '').join(','),
        Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
        (c.Ports ?? []).map((p) => `${p.PublicPort ?? ''}:${p.PrivatePort}`).join(','),
      ].join('|'),
    )
    .sort()
    .join('\n');
}
