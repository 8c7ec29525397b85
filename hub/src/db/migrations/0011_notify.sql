-- Notification channels, contact points and the delivery outbox (issue 6).
-- Written by hand to merge cleanly with parallel migrations; matches schema-notify.ts.
CREATE TABLE "channels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL UNIQUE,
	"type" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"rate_limit_per_minute" integer NOT NULL,
	"settings" jsonb NOT NULL,
	"secrets" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_points" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL UNIQUE,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_point_channels" (
	"contact_point_id" uuid NOT NULL REFERENCES "contact_points"("id") ON DELETE CASCADE,
	"channel_id" uuid NOT NULL REFERENCES "channels"("id") ON DELETE RESTRICT,
	"position" integer NOT NULL,
	PRIMARY KEY ("contact_point_id", "channel_id")
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notification_id" text NOT NULL,
	"channel_id" uuid NOT NULL REFERENCES "channels"("id") ON DELETE CASCADE,
	"contact_point_id" uuid REFERENCES "contact_points"("id") ON DELETE SET NULL,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claim_id" uuid,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_outbox_status_check" CHECK ("status" IN ('queued', 'sending', 'retrying', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "notification_outbox_idempotency_idx" ON "notification_outbox" USING btree ("notification_id","channel_id");
--> statement-breakpoint
CREATE INDEX "notification_outbox_due_idx" ON "notification_outbox" USING btree ("status","next_attempt_at");
--> statement-breakpoint
CREATE INDEX "notification_outbox_channel_created_idx" ON "notification_outbox" USING btree ("channel_id","created_at");
--> statement-breakpoint
CREATE INDEX "notification_outbox_created_idx" ON "notification_outbox" USING btree ("created_at");
