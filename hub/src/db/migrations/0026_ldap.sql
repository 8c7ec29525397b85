-- LDAP / Active Directory sign-in (issue 9): the directory settings admins edit (one row; the
-- service account's bind password sealed with the hub's secret key), and which Unity accounts
-- are directory-backed: their entry's DN, and the custom roles the group sync granted them (so
-- a later sync removes only bindings it made). Written by hand (see hub/src/db/schema-ldap.ts).
CREATE TABLE "ldap_settings" (
	"id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1),
	"settings" jsonb NOT NULL,
	"bind_password_sealed" text,
	"last_sync" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ldap_accounts" (
	"user_id" uuid PRIMARY KEY NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"dn" text NOT NULL,
	"ldap_username" text NOT NULL,
	"granted_roles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
