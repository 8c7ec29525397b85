-- Kubernetes alert rules (issues 5 and 10): a pod's restart count each time it changes, so
-- "more than 5 restarts in 10 minutes" can be answered (k8s_objects keeps the current count
-- only). Written when pod changes are stored; rows older than a day are pruned then, keeping
-- each pod's newest row from before that (the base of a window that starts before it).
-- Written by hand (see hub/src/db/schema-kubernetes.ts).
CREATE TABLE "k8s_pod_restarts" (
	"cluster" text NOT NULL REFERENCES "k8s_clusters"("name") ON DELETE CASCADE,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"uid" text NOT NULL,
	"restarts" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "k8s_pod_restarts_pod_idx" ON "k8s_pod_restarts" USING btree ("cluster", "namespace", "name", "at");
