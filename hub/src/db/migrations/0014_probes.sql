-- Probes (issue 7): definitions and results. Written by hand (see hub/src/db/schema-probes.ts).
-- Results are kept by (probe, time) and deleted by time (hub/src/probes/retention.ts).
CREATE TABLE "probes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "probe_results" (
	"probe_id" uuid NOT NULL REFERENCES "probes"("id") ON DELETE CASCADE,
	"agent_id" uuid NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"latency_ms" double precision,
	"status" integer,
	"error" text,
	"cert_expires_at" timestamp with time zone,
	"details" jsonb,
	"seq" bigint NOT NULL,
	PRIMARY KEY ("probe_id", "time", "agent_id")
);
--> statement-breakpoint
CREATE INDEX "probe_results_time_idx" ON "probe_results" USING btree ("time");
