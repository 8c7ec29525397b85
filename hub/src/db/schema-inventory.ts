/**
 * Inventory tables: each engine's images, volumes, networks and Podman pods, replaced as a whole
 * whenever the agent sends that engine's `inventory` item (it is the full truth for the engine).
 * Compose stacks have no table: they are derived from `containers` at query time.
 *
 * `host_id` references `hosts(id) ON DELETE CASCADE` in the migration (0005_inventory); it is not
 * declared here so this file need not import schema.ts, which re-exports it.
 * @module
 */
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Columns every inventory object has: whose it is and when it was last reported. */
const onEngine = () => ({
  /** First 16 hex of sha256(host id, engine id, the engine's id or name): stable across re-sends. */
  id: text('id').primaryKey(),
  hostId: uuid('host_id').notNull(),
  engineId: text('engine_id').notNull(),
  engineKind: text('engine_kind', { enum: ['docker', 'podman'] }).notNull(),
  updatedAt: tstz('updated_at').notNull(),
});

export type PortMappingJson = { privatePort: number; publicPort?: number; ip?: string; protocol: string };

export const images = pgTable(
  'images',
  {
    ...onEngine(),
    imageId: text('image_id').notNull(),
    tags: jsonb('tags').$type<string[]>().notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    createdAt: tstz('created_at'),
    dangling: boolean('dangling').notNull(),
    containers: jsonb('containers').$type<string[]>().notNull(),
  },
  (t) => [index('images_host_engine_idx').on(t.hostId, t.engineId)],
);

export const volumes = pgTable(
  'volumes',
  {
    ...onEngine(),
    name: text('name').notNull(),
    driver: text('driver').notNull(),
    mountpoint: text('mountpoint').notNull(),
    sizeBytes: doublePrecision('size_bytes'),
    createdAt: tstz('created_at'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    containers: jsonb('containers').$type<string[]>().notNull(),
  },
  (t) => [index('volumes_host_engine_idx').on(t.hostId, t.engineId)],
);

export const networks = pgTable(
  'networks',
  {
    ...onEngine(),
    networkId: text('network_id').notNull(),
    name: text('name').notNull(),
    driver: text('driver').notNull(),
    scope: text('scope'),
    internal: boolean('internal').notNull(),
    containers: jsonb('containers')
      .$type<Array<{ id: string; name: string; ipv4?: string; ports: PortMappingJson[] }>>()
      .notNull(),
  },
  (t) => [index('networks_host_engine_idx').on(t.hostId, t.engineId)],
);

export const pods = pgTable(
  'pods',
  {
    ...onEngine(),
    podId: text('pod_id').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    infraId: text('infra_id'),
    createdAt: tstz('created_at'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    containers: jsonb('containers').$type<Array<{ id: string; name: string; status: string }>>().notNull(),
  },
  (t) => [index('pods_host_engine_idx').on(t.hostId, t.engineId)],
);
