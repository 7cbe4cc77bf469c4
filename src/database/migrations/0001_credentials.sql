CREATE TABLE "credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"site_id" text NOT NULL,
	"mode" text NOT NULL,
	"public_key" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"mercadopago_user_id" text,
	"access_token_sealed" "bytea",
	"access_token_key_id" text,
	"access_token_hint" text,
	"access_token_set_at" timestamp with time zone,
	"webhook_secret_sealed" "bytea",
	"webhook_secret_key_id" text,
	"webhook_secret_hint" text,
	"webhook_secret_set_at" timestamp with time zone,
	"previous_webhook_secret_sealed" "bytea",
	"previous_webhook_secret_key_id" text,
	"previous_webhook_secret_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "credentials_audit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"action" text NOT NULL,
	"actor_token_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"fields" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credentials_audit" ADD CONSTRAINT "credentials_audit_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_one_default_idx" ON "credentials" USING btree ("is_default") WHERE "credentials"."is_default" AND "credentials"."deleted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_name_live_idx" ON "credentials" USING btree ("name") WHERE "credentials"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "credentials_created_at_idx" ON "credentials" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "credentials_audit_credential_idx" ON "credentials_audit" USING btree ("credential_id","created_at");