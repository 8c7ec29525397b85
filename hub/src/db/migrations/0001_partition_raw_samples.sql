-- Raw samples become PostgreSQL declarative partitions by range on ts, one per UTC day (created
-- ahead of time by hub/src/metrics/partitions.ts), so retention drops whole partitions instead of
-- deleting rows. drizzle-kit cannot express partitioning, hence this hand-written migration.
--
-- The existing table is not copied: it is renamed and attached as the DEFAULT partition (O(1)),
-- and the partition manager moves its rows into daily partitions day by day. Its primary key and
-- seq index are renamed first so the parent can take the original names; ATTACH then adopts them
-- as the partitions of the parent's indexes. On a partitioned table a unique key must contain the
-- partition key: (object, ts) does, so a replayed sample still cannot be stored twice.
-- A BRIN index on ts lets the rollup job read one time window across all objects cheaply.
ALTER TABLE "host_samples" RENAME TO "host_samples_default";
--> statement-breakpoint
ALTER TABLE "host_samples_default" RENAME CONSTRAINT "host_samples_host_id_ts_pk" TO "host_samples_default_pkey";
--> statement-breakpoint
ALTER INDEX "host_samples_seq_idx" RENAME TO "host_samples_default_seq_idx";
--> statement-breakpoint
CREATE TABLE "host_samples" (
	"host_id" uuid NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	"cpu_percent" double precision NOT NULL,
	"memory_used_bytes" double precision NOT NULL,
	"memory_total_bytes" double precision NOT NULL,
	"swap_used_bytes" double precision NOT NULL,
	"load1" double precision NOT NULL,
	"load5" double precision NOT NULL,
	"load15" double precision NOT NULL,
	"net_rx_bytes_per_sec" double precision NOT NULL,
	"net_tx_bytes_per_sec" double precision NOT NULL,
	"disk_read_bytes_per_sec" double precision NOT NULL,
	"disk_write_bytes_per_sec" double precision NOT NULL,
	"uptime_sec" double precision NOT NULL,
	CONSTRAINT "host_samples_host_id_ts_pk" PRIMARY KEY("host_id","ts")
) PARTITION BY RANGE ("ts");
--> statement-breakpoint
CREATE INDEX "host_samples_seq_idx" ON "host_samples" USING btree ("host_id","seq");
--> statement-breakpoint
ALTER TABLE "host_samples" ATTACH PARTITION "host_samples_default" DEFAULT;
--> statement-breakpoint
CREATE INDEX "host_samples_ts_brin" ON "host_samples" USING brin ("ts");
--> statement-breakpoint
ALTER TABLE "container_samples" RENAME TO "container_samples_default";
--> statement-breakpoint
ALTER TABLE "container_samples_default" RENAME CONSTRAINT "container_samples_container_id_ts_pk" TO "container_samples_default_pkey";
--> statement-breakpoint
CREATE TABLE "container_samples" (
	"container_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	"cpu_percent" double precision NOT NULL,
	"memory_bytes" double precision NOT NULL,
	"memory_limit_bytes" double precision NOT NULL,
	"net_rx_bytes_per_sec" double precision NOT NULL,
	"net_tx_bytes_per_sec" double precision NOT NULL,
	"block_read_bytes_per_sec" double precision NOT NULL,
	"block_write_bytes_per_sec" double precision NOT NULL,
	"pids" integer NOT NULL,
	CONSTRAINT "container_samples_container_id_ts_pk" PRIMARY KEY("container_id","ts")
) PARTITION BY RANGE ("ts");
--> statement-breakpoint
ALTER TABLE "container_samples" ATTACH PARTITION "container_samples_default" DEFAULT;
--> statement-breakpoint
CREATE INDEX "container_samples_ts_brin" ON "container_samples" USING brin ("ts");
