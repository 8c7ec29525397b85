-- Alerting (issue 5): rules, instance states and history. Written by hand (see hub/src/db/schema-alerts.ts).
CREATE TABLE "alert_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"spec" jsonb NOT NULL,
	"updated_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_instances" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"rule_id" uuid NOT NULL,
	"rule_name" text NOT NULL,
	"severity" text NOT NULL,
	"object_key" text NOT NULL,
	"labels" jsonb NOT NULL,
	"url" text NOT NULL,
	"state" text NOT NULL,
	"active_since" timestamp with time zone,
	"firing_since" timestamp with time zone,
	"keep_firing_until" timestamp with time zone,
	"value" double precision,
	"raised" boolean NOT NULL,
	"vars" jsonb NOT NULL,
	"flap_times" jsonb NOT NULL,
	"flapping_since" timestamp with time zone,
	"last_eval_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alert_instances_rule_idx" ON "alert_instances" USING btree ("rule_id");
--> statement-breakpoint
CREATE TABLE "alert_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"at" timestamp with time zone NOT NULL,
	"fingerprint" text NOT NULL,
	"rule_id" uuid NOT NULL,
	"rule_name" text NOT NULL,
	"labels" jsonb NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"value" double precision
);
--> statement-breakpoint
CREATE INDEX "alert_history_at_idx" ON "alert_history" USING btree ("at");
--> statement-breakpoint
CREATE INDEX "alert_history_rule_at_idx" ON "alert_history" USING btree ("rule_id","at");
--> statement-breakpoint
CREATE INDEX "alert_history_fingerprint_at_idx" ON "alert_history" USING btree ("fingerprint","at");
