CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"hostname" text NOT NULL,
	"os" text NOT NULL,
	"kernel" text NOT NULL,
	"arch" text NOT NULL,
	"cpus" integer NOT NULL,
	"memory_bytes" double precision NOT NULL,
	"agent_version" text,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone,
	"gap_count" integer DEFAULT 0 NOT NULL,
	"dropped_items" bigint DEFAULT 0 NOT NULL,
	"enrollment_token_id" uuid,
	"revoked" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "container_samples" (
	"container_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	"cpu_percent" double precision NOT NULL,
	"memory_bytes" double precision NOT NULL,
	"memory_limit_bytes" double precision NOT NULL,
	"net_rx_bytes_per_sec" double precision NOT NULL,
	"net_tx_bytes_per_sec" double precision NOT NULL,
	"block_read_bytes_per_sec" double precision NOT NULL,
	"block_write_bytes_per_sec" double precision NOT NULL,
	"pids" integer NOT NULL,
	CONSTRAINT "container_samples_container_id_ts_pk" PRIMARY KEY("container_id","ts")
);
--> statement-breakpoint
CREATE TABLE "containers" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL,
	"engine_id" text NOT NULL,
	"engine_kind" text NOT NULL,
	"container_id" text NOT NULL,
	"name" text NOT NULL,
	"image" text NOT NULL,
	"state" text NOT NULL,
	"status" text NOT NULL,
	"labels" jsonb NOT NULL,
	"ports" jsonb NOT NULL,
	"compose_project" text,
	"compose_service" text,
	"created_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	"stats_at" timestamp with time zone,
	"cpu_percent" double precision,
	"memory_bytes" double precision,
	"memory_limit_bytes" double precision,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "enrollment_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"note" text,
	"expires_at" timestamp with time zone NOT NULL,
	"max_uses" integer NOT NULL,
	"uses" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrollment_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "host_samples" (
	"host_id" uuid NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	"cpu_percent" double precision NOT NULL,
	"memory_used_bytes" double precision NOT NULL,
	"memory_total_bytes" double precision NOT NULL,
	"swap_used_bytes" double precision NOT NULL,
	"load1" double precision NOT NULL,
	"load5" double precision NOT NULL,
	"load15" double precision NOT NULL,
	"net_rx_bytes_per_sec" double precision NOT NULL,
	"net_tx_bytes_per_sec" double precision NOT NULL,
	"disk_read_bytes_per_sec" double precision NOT NULL,
	"disk_write_bytes_per_sec" double precision NOT NULL,
	"uptime_sec" double precision NOT NULL,
	CONSTRAINT "host_samples_host_id_ts_pk" PRIMARY KEY("host_id","ts")
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"sampled_at" timestamp with time zone,
	"cpu_percent" double precision,
	"memory_used_bytes" double precision,
	"load1" double precision,
	"uptime_sec" double precision,
	"latest" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hub_identity" (
	"id" integer PRIMARY KEY NOT NULL,
	"hub_id" uuid NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setup_token" (
	"id" integer PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "containers" ADD CONSTRAINT "containers_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_id_agents_id_fk" FOREIGN KEY ("id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "containers_host_idx" ON "containers" USING btree ("host_id");--> statement-breakpoint
CREATE INDEX "host_samples_seq_idx" ON "host_samples" USING btree ("host_id","seq");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");