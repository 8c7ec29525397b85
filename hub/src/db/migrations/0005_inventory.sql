-- Inventories (issue 3): images, volumes, networks and Podman pods per host and engine.
-- Written by hand (not drizzle-kit) to merge cleanly with parallel migrations; matches schema-inventory.ts.
CREATE TABLE "images" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL,
	"engine_id" text NOT NULL,
	"engine_kind" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"image_id" text NOT NULL,
	"tags" jsonb NOT NULL,
	"size_bytes" bigint NOT NULL,
	"created_at" timestamp with time zone,
	"dangling" boolean NOT NULL,
	"containers" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volumes" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL,
	"engine_id" text NOT NULL,
	"engine_kind" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"name" text NOT NULL,
	"driver" text NOT NULL,
	"mountpoint" text NOT NULL,
	"size_bytes" double precision,
	"created_at" timestamp with time zone,
	"labels" jsonb NOT NULL,
	"containers" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "networks" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL,
	"engine_id" text NOT NULL,
	"engine_kind" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"network_id" text NOT NULL,
	"name" text NOT NULL,
	"driver" text NOT NULL,
	"scope" text,
	"internal" boolean NOT NULL,
	"containers" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pods" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL,
	"engine_id" text NOT NULL,
	"engine_kind" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"pod_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"infra_id" text,
	"created_at" timestamp with time zone,
	"labels" jsonb NOT NULL,
	"containers" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "volumes" ADD CONSTRAINT "volumes_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "networks" ADD CONSTRAINT "networks_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "pods" ADD CONSTRAINT "pods_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "images_host_engine_idx" ON "images" USING btree ("host_id","engine_id");
--> statement-breakpoint
CREATE INDEX "volumes_host_engine_idx" ON "volumes" USING btree ("host_id","engine_id");
--> statement-breakpoint
CREATE INDEX "networks_host_engine_idx" ON "networks" USING btree ("host_id","engine_id");
--> statement-breakpoint
CREATE INDEX "pods_host_engine_idx" ON "pods" USING btree ("host_id","engine_id");
