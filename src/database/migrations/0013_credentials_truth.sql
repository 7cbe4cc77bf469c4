ALTER TABLE "credentials" ADD COLUMN "invalid_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "invalid_reason" text;--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "test_user" boolean DEFAULT false NOT NULL;