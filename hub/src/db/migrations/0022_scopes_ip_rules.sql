-- Scopes and IP rules (issue 8). Written by hand (see schema-alerts.ts and schema-security.ts).
-- Alert history rows name the object they are about (`host:<id>`, `container:<id>`,
-- `probe:<id>`, …), so a user scoped to some hosts is shown only the changes of theirs. Rows
-- written before this migration take the key of their instance where it still exists; the rest
-- stay null and are shown to unscoped readers only.
ALTER TABLE "alert_history" ADD COLUMN "object_key" text;
--> statement-breakpoint
UPDATE "alert_history" AS h SET "object_key" = i."object_key"
	FROM "alert_instances" AS i WHERE i."fingerprint" = h."fingerprint";
--> statement-breakpoint
-- Admin-managed allow and deny CIDRs, for people (UI and API) or for agents; applied on top of
-- the UNITY_UI_* and UNITY_AGENT_* environment lists, which always win.
CREATE TABLE "ip_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"target" text NOT NULL CHECK ("target" IN ('ui', 'agent')),
	"action" text NOT NULL CHECK ("action" IN ('allow', 'deny')),
	"cidr" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "ip_rules_target_action_cidr_idx" ON "ip_rules" USING btree ("target", "action", "cidr");
