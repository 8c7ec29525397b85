-- Badges (issue 7): an owner marks a probe, container or host public before /badge answers for it.
ALTER TABLE "probes" ADD COLUMN IF NOT EXISTS "public" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "containers" ADD COLUMN IF NOT EXISTS "public" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN IF NOT EXISTS "public" boolean DEFAULT false NOT NULL;
