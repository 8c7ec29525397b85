-- Notification channels, more (issue 6): per-channel title/body/HTML templates, and the thread
-- of each alert group in threaded channels (Slack with a bot token). Matches schema-notify.ts.
ALTER TABLE "channels" ADD COLUMN "templates" jsonb DEFAULT '{}'::jsonb NOT NULL;
--> statement-breakpoint
CREATE TABLE "notify_threads" (
	"channel_id" uuid NOT NULL REFERENCES "channels"("id") ON DELETE CASCADE,
	"group_key" text NOT NULL,
	"thread_ts" text NOT NULL,
	"conversation" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("channel_id", "group_key")
);
--> statement-breakpoint
CREATE INDEX "notify_threads_created_idx" ON "notify_threads" USING btree ("created_at");
