-- Kubernetes (issue 10): the clusters agents watch (a cluster belongs to the host of the agent
-- that reports it, for scopes), and their objects as the agents' slim projections, one row per
-- (cluster, resource, namespace, name), replaced by snapshots and changed by deltas.
-- Written by hand (see hub/src/db/schema-kubernetes.ts).
CREATE TABLE "k8s_clusters" (
	"name" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL REFERENCES "hosts"("id") ON DELETE CASCADE,
	"priority" integer DEFAULT 0 NOT NULL,
	"usage_source" text,
	"usage_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "k8s_clusters_host_idx" ON "k8s_clusters" USING btree ("host_id");
--> statement-breakpoint
CREATE TABLE "k8s_objects" (
	"cluster" text NOT NULL REFERENCES "k8s_clusters"("name") ON DELETE CASCADE,
	"resource" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"uid" text NOT NULL,
	"created_at" text,
	"data" jsonb NOT NULL,
	"usage" jsonb,
	"snapshot_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "k8s_objects_pk" PRIMARY KEY ("cluster", "resource", "namespace", "name")
);
