ALTER TABLE "sessions" ADD COLUMN IF NOT EXISTS "public_id" text DEFAULT replace(gen_random_uuid()::text, '-', '') NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN IF NOT EXISTS "remember" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN IF NOT EXISTS "ip" text;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN IF NOT EXISTS "device" text;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "sessions_public_id_idx" ON "sessions" USING btree ("public_id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "auth_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"ip" text NOT NULL,
	"account" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "auth_failures_ip_idx" ON "auth_failures" USING btree ("scope", "ip", "at");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "auth_bans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" text NOT NULL,
	"ip" text NOT NULL,
	"account" text,
	"failures" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_by" text
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "auth_bans_ip_idx" ON "auth_bans" USING btree ("scope", "ip", "expires_at");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_action_idx" ON "audit_log" USING btree ("action", "at");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_username_idx" ON "audit_log" USING btree ("username", "at");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION unity_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Retention pruning is the one permitted removal: it sets unity.audit_prune in its own transaction.
  IF TG_OP = 'DELETE' AND current_setting('unity.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_log_append_only" ON "audit_log";
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION unity_audit_log_append_only();
--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_log_no_truncate" ON "audit_log";
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION unity_audit_log_append_only();
