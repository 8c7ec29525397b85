-- Alert routing and delivery (issue 5): policy tree, time intervals, silences, inhibition rules,
-- escalation chains, acknowledgements and the dispatcher's per-group state.
-- Written by hand (not drizzle-kit) to merge cleanly with parallel migrations; matches schema-alert-routing.ts.
CREATE TABLE "notification_policy" (
	"id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1),
	"policy" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "time_intervals" (
	"name" text PRIMARY KEY NOT NULL,
	"time_intervals" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "silences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matchers" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"schedule" jsonb,
	"created_by" text NOT NULL,
	"comment" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "silences_ends_at_idx" ON "silences" USING btree ("ends_at");
--> statement-breakpoint
CREATE TABLE "inhibition_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"source_matchers" jsonb NOT NULL,
	"target_matchers" jsonb NOT NULL,
	"equal" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_chains" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"steps" jsonb NOT NULL,
	"repeat" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escalation_chains_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "alert_acks" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"alert_starts_at" timestamp with time zone NOT NULL,
	"acknowledged_by" text NOT NULL,
	"acknowledged_at" timestamp with time zone NOT NULL,
	"comment" text,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alert_ack_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"fingerprint" text NOT NULL,
	"alert_starts_at" timestamp with time zone NOT NULL,
	"acknowledged_by" text NOT NULL,
	"acknowledged_at" timestamp with time zone NOT NULL,
	"comment" text,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "alert_ack_log_fingerprint_idx" ON "alert_ack_log" USING btree ("fingerprint","alert_starts_at");
--> statement-breakpoint
CREATE TABLE "alert_dispatch_groups" (
	"group_key" text PRIMARY KEY NOT NULL,
	"route_id" text NOT NULL,
	"group_labels" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"next_flush_at" timestamp with time zone NOT NULL,
	"last_sent_at" timestamp with time zone,
	"notified_firing" jsonb NOT NULL,
	"notified_hash" text NOT NULL,
	"seq" integer NOT NULL,
	"acked" boolean NOT NULL,
	"escalation" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
