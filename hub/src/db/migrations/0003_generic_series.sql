CREATE TABLE "series" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "series_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"hash" text NOT NULL,
	"source" text NOT NULL,
	"name" text NOT NULL,
	"labels" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "series_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "series_rollup_1h" (
	"series_id" bigint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"value_min" double precision NOT NULL,
	"value_avg" double precision NOT NULL,
	"value_max" double precision NOT NULL,
	"value_last" double precision NOT NULL,
	CONSTRAINT "series_rollup_1h_series_id_bucket_pk" PRIMARY KEY("series_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "series_rollup_1m" (
	"series_id" bigint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"value_min" double precision NOT NULL,
	"value_avg" double precision NOT NULL,
	"value_max" double precision NOT NULL,
	"value_last" double precision NOT NULL,
	CONSTRAINT "series_rollup_1m_series_id_bucket_pk" PRIMARY KEY("series_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "series_rollup_5m" (
	"series_id" bigint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"value_min" double precision NOT NULL,
	"value_avg" double precision NOT NULL,
	"value_max" double precision NOT NULL,
	"value_last" double precision NOT NULL,
	CONSTRAINT "series_rollup_5m_series_id_bucket_pk" PRIMARY KEY("series_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "series_samples" (
	"series_id" bigint NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "series_samples_series_id_ts_pk" PRIMARY KEY("series_id","ts")
) PARTITION BY RANGE ("ts");
--> statement-breakpoint
-- Hand-edited after drizzle-kit generate: partitioned by day like host_samples (see 0001).
CREATE TABLE "series_samples_default" PARTITION OF "series_samples" DEFAULT;
--> statement-breakpoint
CREATE INDEX "series_samples_ts_brin" ON "series_samples" USING brin ("ts");
--> statement-breakpoint
CREATE INDEX "series_source_idx" ON "series" USING btree ("source");--> statement-breakpoint
CREATE INDEX "series_rollup_1h_bucket_idx" ON "series_rollup_1h" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "series_rollup_1m_bucket_idx" ON "series_rollup_1m" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "series_rollup_5m_bucket_idx" ON "series_rollup_5m" USING btree ("bucket");