CREATE TABLE "payment_sweeps" (
	"credential_id" uuid PRIMARY KEY NOT NULL,
	"cursor_at" timestamp with time zone,
	"cursor_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"swept_until" timestamp with time zone,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leased_until" timestamp with time zone,
	"lease_owner" text,
	"last_run_at" timestamp with time zone,
	"last_outcome" text,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "payment_sweeps" ADD CONSTRAINT "payment_sweeps_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE no action ON UPDATE no action;