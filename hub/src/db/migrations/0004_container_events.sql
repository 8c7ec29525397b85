-- Written by hand (see hub/src/db/schema-events.ts): container events, health and its history.
CREATE TABLE "container_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"host_id" uuid NOT NULL REFERENCES "hosts"("id") ON DELETE CASCADE,
	"engine_id" text NOT NULL,
	"container_id" text,
	"actor_id" text NOT NULL,
	"type" text NOT NULL,
	"action" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"time_nano" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "container_events_identity_idx" ON "container_events" USING btree ("host_id","engine_id","time_nano","type","actor_id","action");
--> statement-breakpoint
CREATE INDEX "container_events_container_time_idx" ON "container_events" USING btree ("container_id","time");
--> statement-breakpoint
CREATE INDEX "container_events_host_time_idx" ON "container_events" USING btree ("host_id","time");
--> statement-breakpoint
CREATE TABLE "container_health" (
	"container_id" text PRIMARY KEY,
	"host_id" uuid NOT NULL REFERENCES "hosts"("id") ON DELETE CASCADE,
	"status" text NOT NULL,
	"failing_streak" integer NOT NULL,
	"restart_count" integer NOT NULL,
	"exit_code" integer NOT NULL,
	"oom_killed" boolean NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"log" jsonb NOT NULL,
	"checked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "container_health_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"container_id" text NOT NULL,
	"host_id" uuid NOT NULL REFERENCES "hosts"("id") ON DELETE CASCADE,
	"ts" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"failing_streak" integer NOT NULL,
	"restart_count" integer NOT NULL,
	"exit_code" integer NOT NULL,
	"oom_killed" boolean NOT NULL
);
--> statement-breakpoint
CREATE INDEX "container_health_history_container_ts_idx" ON "container_health_history" USING btree ("container_id","ts");
