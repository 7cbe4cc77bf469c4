ALTER TABLE "payments" ADD COLUMN "additional_info" jsonb;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "device_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "three_d_secure_mode" text DEFAULT 'not_supported' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "three_ds_info" jsonb;