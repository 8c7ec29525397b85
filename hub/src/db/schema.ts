/**
 * The hub's tables (drizzle-orm). Migrations in ./migrations are generated from this file with
 * `npm run db:generate -w @unity/hub` and applied at start by ./migrate.ts.
 *
 * Time series are wide rows: one per sampled object and timestamp, unique on (object, ts) so a
 * replayed sample cannot be stored twice. Each sample keeps the batch `seq` it arrived in, which
 * is how delivery is audited (count rows per seq).
 * @module
 */
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();

// ---- sign-in ----

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /** The unscoped built-in role; null when access comes only from bindings (0015_identity). */
  role: text('role', { enum: ['admin', 'editor', 'viewer'] }),
  displayName: text('display_name').notNull().default(''),
  email: text('email').notNull().default(''),
  /** Set while the account is disabled: no sign-in, no session, no API key. */
  disabledAt: tstz('disabled_at'),
  lastSignInAt: tstz('last_sign_in_at'),
  passwordChangedAt: tstz('password_changed_at'),
  createdAt: createdAt(),
});

/** Only the sha256 of a session id is stored, so a database leak does not hand out sessions. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    /** The absolute end: sign-in plus the absolute (or remember-me) timeout. */
    expiresAt: tstz('expires_at').notNull(),
    /** An opaque id shown in session lists and used to revoke; it grants nothing by itself. */
    publicId: text('public_id').notNull(),
    remember: boolean('remember').notNull().default(false),
    ip: text('ip'),
    /** A short summary of the User-Agent ("Firefox on Linux"). */
    device: text('device'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), uniqueIndex('sessions_public_id_idx').on(t.publicId)],
);

/** The one-time first-admin token; a single row (id = 1) while setup is pending. */
export const setupToken = pgTable('setup_token', {
  id: integer('id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  createdAt: createdAt(),
});

// ---- agents ----

/** The hub's own identity: a single row (id = 1) with its Ed25519 key pair. */
export const hubIdentity = pgTable('hub_identity', {
  id: integer('id').primaryKey(),
  hubId: uuid('hub_id').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwk: jsonb('private_jwk').notNull(),
  createdAt: createdAt(),
});

export const enrollmentTokens = pgTable('enrollment_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  note: text('note'),
  expiresAt: tstz('expires_at').notNull(),
  maxUses: integer('max_uses').notNull(),
  uses: integer('uses').notNull().default(0),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

export const agents = pgTable('agents', {
  id: uuid('id').primaryKey().defaultRandom(),
  publicJwk: jsonb('public_jwk').notNull(),
  hostname: text('hostname').notNull(),
  os: text('os').notNull(),
  kernel: text('kernel').notNull(),
  arch: text('arch').notNull(),
  cpus: integer('cpus').notNull(),
  memoryBytes: doublePrecision('memory_bytes').notNull(),
  agentVersion: text('agent_version'),
  /** Highest batch seq stored; written in the same transaction as the batch. */
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  lastSeenAt: tstz('last_seen_at'),
  gapCount: integer('gap_count').notNull().default(0),
  droppedItems: bigint('dropped_items', { mode: 'number' }).notNull().default(0),
  enrollmentTokenId: uuid('enrollment_token_id'),
  revoked: boolean('revoked').notNull().default(false),
  createdAt: createdAt(),
});

// ---- hosts and containers ----

/** One host per agent (same id), with the latest sample for list views. */
export const hosts = pgTable('hosts', {
  id: uuid('id')
    .primaryKey()
    .references(() => agents.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  sampledAt: tstz('sampled_at'),
  cpuPercent: doublePrecision('cpu_percent'),
  memoryUsedBytes: doublePrecision('memory_used_bytes'),
  load1: doublePrecision('load1'),
  uptimeSec: doublePrecision('uptime_sec'),
  /** The latest sample's detail (per core, disks, interfaces) as sent. */
  latest: jsonb('latest'),
  /** Set by admins; role binding scopes match on them (team=media). */
  labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
  /** Marked public by its owner: /badge answers for it (0017_badges). */
  public: boolean('public').notNull().default(false),
  createdAt: createdAt(),
});

export const containers = pgTable(
  'containers',
  {
    /** First 16 hex of sha256(host id, engine id, engine container id): stable across restarts. */
    id: text('id').primaryKey(),
    hostId: uuid('host_id')
      .notNull()
      .references(() => hosts.id, { onDelete: 'cascade' }),
    engineId: text('engine_id').notNull(),
    engineKind: text('engine_kind', { enum: ['docker', 'podman'] }).notNull(),
    containerId: text('container_id').notNull(),
    name: text('name').notNull(),
    image: text('image').notNull(),
    state: text('state').notNull(),
    status: text('status').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    ports: jsonb('ports').notNull(),
    composeProject: text('compose_project'),
    composeService: text('compose_service'),
    createdAt: tstz('created_at'),
    updatedAt: tstz('updated_at').notNull(),
    statsAt: tstz('stats_at'),
    cpuPercent: doublePrecision('cpu_percent'),
    memoryBytes: doublePrecision('memory_bytes'),
    memoryLimitBytes: doublePrecision('memory_limit_bytes'),
    removedAt: tstz('removed_at'),
    /** Marked public by its owner: /badge answers for it (0017_badges). */
    public: boolean('public').notNull().default(false),
  },
  (t) => [index('containers_host_idx').on(t.hostId)],
);

export const hostSamples = pgTable(
  'host_samples',
  {
    hostId: uuid('host_id').notNull(),
    ts: tstz('ts').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    cpuPercent: doublePrecision('cpu_percent').notNull(),
    memoryUsedBytes: doublePrecision('memory_used_bytes').notNull(),
    memoryTotalBytes: doublePrecision('memory_total_bytes').notNull(),
    swapUsedBytes: doublePrecision('swap_used_bytes').notNull(),
    load1: doublePrecision('load1').notNull(),
    load5: doublePrecision('load5').notNull(),
    load15: doublePrecision('load15').notNull(),
    netRxBytesPerSec: doublePrecision('net_rx_bytes_per_sec').notNull(),
    netTxBytesPerSec: doublePrecision('net_tx_bytes_per_sec').notNull(),
    diskReadBytesPerSec: doublePrecision('disk_read_bytes_per_sec').notNull(),
    diskWriteBytesPerSec: doublePrecision('disk_write_bytes_per_sec').notNull(),
    uptimeSec: doublePrecision('uptime_sec').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hostId, t.ts] }), index('host_samples_seq_idx').on(t.hostId, t.seq)],
);

export const containerSamples = pgTable(
  'container_samples',
  {
    containerId: text('container_id').notNull(),
    ts: tstz('ts').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    cpuPercent: doublePrecision('cpu_percent').notNull(),
    memoryBytes: doublePrecision('memory_bytes').notNull(),
    memoryLimitBytes: doublePrecision('memory_limit_bytes').notNull(),
    netRxBytesPerSec: doublePrecision('net_rx_bytes_per_sec').notNull(),
    netTxBytesPerSec: doublePrecision('net_tx_bytes_per_sec').notNull(),
    blockReadBytesPerSec: doublePrecision('block_read_bytes_per_sec').notNull(),
    blockWriteBytesPerSec: doublePrecision('block_write_bytes_per_sec').notNull(),
    pids: integer('pids').notNull(),
  },
  (t) => [primaryKey({ columns: [t.containerId, t.ts] })],
);

// ---- rollups ----

/** The host_samples fields folded into rollups, as column names. */
export const HOST_ROLLUP_FIELDS = [
  'cpu_percent',
  'memory_used_bytes',
  'memory_total_bytes',
  'swap_used_bytes',
  'load1',
  'load5',
  'load15',
  'net_rx_bytes_per_sec',
  'net_tx_bytes_per_sec',
  'disk_read_bytes_per_sec',
  'disk_write_bytes_per_sec',
  'uptime_sec',
] as const;

/** The container_samples fields folded into rollups, as column names. */
export const CONTAINER_ROLLUP_FIELDS = [
  'cpu_percent',
  'memory_bytes',
  'memory_limit_bytes',
  'net_rx_bytes_per_sec',
  'net_tx_bytes_per_sec',
  'block_read_bytes_per_sec',
  'block_write_bytes_per_sec',
  'pids',
] as const;

/** min/avg/max/last of each field: `<field>_min`, `<field>_avg`, … */
const aggregateColumns = (fields: readonly string[]) =>
  Object.fromEntries(
    fields.flatMap((f) =>
      (['min', 'avg', 'max', 'last'] as const).map((a) => [
        `${f}_${a}`,
        doublePrecision(`${f}_${a}`).notNull(),
      ]),
    ),
  );

/**
 * One table per object kind and resolution (host_rollup_1m … container_rollup_1h): each keeps its
 * own retention by bucket, and a query reads one small table. Unique on (object, bucket) so the
 * rollup job can fold a bucket again (late samples) with an upsert.
 */
const hostRollup = (resolution: string) =>
  pgTable(
    `host_rollup_${resolution}`,
    {
      hostId: uuid('host_id').notNull(),
      bucket: tstz('bucket').notNull(),
      count: integer('count').notNull(),
      ...aggregateColumns(HOST_ROLLUP_FIELDS),
    },
    (t) => [
      primaryKey({ columns: [t.hostId, t.bucket] }),
      index(`host_rollup_${resolution}_bucket_idx`).on(t.bucket),
    ],
  );

const containerRollup = (resolution: string) =>
  pgTable(
    `container_rollup_${resolution}`,
    {
      containerId: text('container_id').notNull(),
      bucket: tstz('bucket').notNull(),
      count: integer('count').notNull(),
      ...aggregateColumns(CONTAINER_ROLLUP_FIELDS),
    },
    (t) => [
      primaryKey({ columns: [t.containerId, t.bucket] }),
      index(`container_rollup_${resolution}_bucket_idx`).on(t.bucket),
    ],
  );

export const hostRollup1m = hostRollup('1m');
export const hostRollup5m = hostRollup('5m');
export const hostRollup1h = hostRollup('1h');
export const containerRollup1m = containerRollup('1m');
export const containerRollup5m = containerRollup('5m');
export const containerRollup1h = containerRollup('1h');

/** How far each rollup is folded: buckets before `done_until` are complete. Name: `host_1m`, … */
export const rollupWatermarks = pgTable('rollup_watermarks', {
  name: text('name').primaryKey(),
  doneUntil: tstz('done_until').notNull(),
});

// ---- generic series ----

/**
 * Scraped and plugin metrics: one row per series, identified by the sha256 of its name and sorted
 * labels, counted per source so one noisy source cannot create series without bound.
 */
export const series = pgTable(
  'series',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    hash: text('hash').notNull().unique(),
    source: text('source').notNull(),
    name: text('name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('series_source_idx').on(t.source)],
);

/** Samples of generic series; partitioned by day like the other raw tables (see migration 0003). */
export const seriesSamples = pgTable(
  'series_samples',
  {
    seriesId: bigint('series_id', { mode: 'number' }).notNull(),
    ts: tstz('ts').notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.ts] })],
);

export const SERIES_ROLLUP_FIELDS = ['value'] as const;

const seriesRollup = (resolution: string) =>
  pgTable(
    `series_rollup_${resolution}`,
    {
      seriesId: bigint('series_id', { mode: 'number' }).notNull(),
      bucket: tstz('bucket').notNull(),
      count: integer('count').notNull(),
      ...aggregateColumns(SERIES_ROLLUP_FIELDS),
    },
    (t) => [
      primaryKey({ columns: [t.seriesId, t.bucket] }),
      index(`series_rollup_${resolution}_bucket_idx`).on(t.bucket),
    ],
  );

export const seriesRollup1m = seriesRollup('1m');
export const seriesRollup5m = seriesRollup('5m');
export const seriesRollup1h = seriesRollup('1h');
export * from './schema-alert-routing.js';
export * from './schema-alerts.js';
export * from './schema-audit.js';
export * from './schema-events.js';
export * from './schema-identity.js';
export * from './schema-inventory.js';
export * from './schema-kubernetes.js';
export * from './schema-ldap.js';
export * from './schema-logs.js';
export * from './schema-notify.js';
export * from './schema-oidc.js';
export * from './schema-passkeys.js';
export * from './schema-probes.js';
export * from './schema-second-factor.js';
export * from './schema-security.js';
export * from './schema-speed-tests.js';
export * from './schema-sso.js';
export * from './schema-status-pages.js';
