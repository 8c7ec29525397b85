CREATE TABLE IF NOT EXISTS "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"username" text NOT NULL,
	"ip" text,
	"action" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"object_name" text,
	"outcome" text NOT NULL,
	"message" text
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_at_idx" ON "audit_log" USING btree ("at");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "image_scans" (
	"host_id" uuid NOT NULL,
	"image" text NOT NULL,
	"scanned_at" timestamp with time zone NOT NULL,
	"scan" jsonb NOT NULL,
	CONSTRAINT "image_scans_host_id_image_pk" PRIMARY KEY("host_id","image")
);
--> statement-breakpoint
ALTER TABLE "image_scans" ADD CONSTRAINT "image_scans_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
