ALTER TABLE "payments" ADD COLUMN "fee_details" jsonb;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "net_received_amount" bigint;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "total_paid_amount" bigint;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "installment_amount" bigint;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "overpaid_amount" bigint;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "money_release_date" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "money_release_status" text;--> statement-breakpoint
CREATE INDEX "payments_approved_idx" ON "payments" USING btree ("date_approved","id") WHERE date_approved IS NOT NULL;--> statement-breakpoint
CREATE INDEX "refunds_created_idx" ON "refunds" USING btree ("created_at","id");