-- Sign-in with identity providers (issue 9): the configured providers (OIDC by discovery,
-- Google, GitLab, GitHub; the client secret sealed with the hub's secret key), the external
-- accounts linked to local users (keyed on provider + subject) and the one-row SSO settings
-- (password sign-in on/off). Written by hand (see hub/src/db/schema-sso.ts).
CREATE TABLE "sso_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"issuer" text DEFAULT '' NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_sealed" text DEFAULT '' NOT NULL,
	"scopes" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"auto_provision" boolean DEFAULT false NOT NULL,
	"allowed_domains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"allowed_orgs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"role_claim" text DEFAULT '' NOT NULL,
	"role_mapping" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"default_role" text,
	"from_env" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sso_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" text NOT NULL REFERENCES "sso_providers"("id") ON DELETE CASCADE,
	"subject" text NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"email" text DEFAULT '' NOT NULL,
	"provisioned" boolean DEFAULT false NOT NULL,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sso_identities_provider_subject_idx" ON "sso_identities" USING btree ("provider_id","subject");
--> statement-breakpoint
CREATE INDEX "sso_identities_user_idx" ON "sso_identities" USING btree ("user_id");
--> statement-breakpoint
CREATE TABLE "sso_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"password_sign_in" boolean DEFAULT true NOT NULL
);
