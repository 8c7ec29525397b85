-- Push (heartbeat) probes (issue 7): the hash of each push probe's secret ping token, and when
-- its job last said it started (to measure the run's duration). Pings themselves are probe
-- results. Written by hand (see hub/src/db/schema-probes.ts).
CREATE TABLE "push_monitors" (
	"probe_id" uuid PRIMARY KEY NOT NULL REFERENCES "probes"("id") ON DELETE CASCADE,
	"token_hash" text NOT NULL,
	"started_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "push_monitors_token_hash_idx" ON "push_monitors" USING btree ("token_hash");
