DROP INDEX "payments_next_sync_idx";--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "lease_id" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "origin" text DEFAULT 'service' NOT NULL;--> statement-breakpoint
CREATE INDEX "payments_next_sync_idx" ON "payments" USING btree ("next_sync_at") WHERE next_sync_at IS NOT NULL;