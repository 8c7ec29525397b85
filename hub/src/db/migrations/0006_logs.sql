CREATE TABLE "log_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "log_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"host_id" uuid NOT NULL,
	"container_id" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"stream" text NOT NULL,
	"level" text,
	"line" text NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_ship_settings" (
	"container_id" text PRIMARY KEY NOT NULL,
	"host_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "log_lines" ADD CONSTRAINT "log_lines_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "log_ship_settings" ADD CONSTRAINT "log_ship_settings_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "log_lines_container_time_idx" ON "log_lines" USING btree ("container_id","time");
--> statement-breakpoint
CREATE INDEX "log_lines_time_idx" ON "log_lines" USING btree ("time");
--> statement-breakpoint
CREATE INDEX "log_lines_line_fts_idx" ON "log_lines" USING gin (to_tsvector('simple', "line"));
