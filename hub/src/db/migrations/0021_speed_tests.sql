-- Speed tests agent <-> hub (issue 7): one row per test (running, then ok or failed with the
-- reason), and the per-host schedule (no row: no scheduled tests). At most one running test per
-- host, enforced by a partial unique index so two concurrent "run now" cannot both start.
-- Written by hand (see hub/src/db/schema-speed-tests.ts).
CREATE TABLE "speed_tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host_id" uuid NOT NULL REFERENCES "hosts"("id") ON DELETE CASCADE,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"state" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" text,
	"phase" text,
	"percent" double precision,
	"download_mbps" double precision,
	"upload_mbps" double precision,
	"latency_ms" double precision,
	"jitter_ms" double precision,
	"download_bytes" double precision,
	"upload_bytes" double precision,
	"streams" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE INDEX "speed_tests_host_started_idx" ON "speed_tests" USING btree ("host_id","started_at");
--> statement-breakpoint
CREATE UNIQUE INDEX "speed_tests_one_running_idx" ON "speed_tests" USING btree ("host_id") WHERE "state" = 'running';
--> statement-breakpoint
CREATE TABLE "speed_test_schedules" (
	"host_id" uuid PRIMARY KEY NOT NULL REFERENCES "hosts"("id") ON DELETE CASCADE,
	"interval_minutes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
