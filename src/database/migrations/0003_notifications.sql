CREATE TABLE "mercadopago_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"resource_id" text,
	"action" text,
	"status" text NOT NULL,
	"signature" text,
	"webhook_count" integer DEFAULT 0 NOT NULL,
	"ipn_count" integer DEFAULT 0 NOT NULL,
	"last_request_id" text,
	"refetch" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"payment_id" uuid,
	"resource_version" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "mercadopago_notifications_active_idx" ON "mercadopago_notifications" USING btree ("credential_id","topic","resource_id") WHERE status IN ('pending', 'processing');--> statement-breakpoint
CREATE UNIQUE INDEX "mercadopago_notifications_version_idx" ON "mercadopago_notifications" USING btree ("credential_id","topic","resource_id","resource_version") WHERE status = 'done';--> statement-breakpoint
CREATE INDEX "mercadopago_notifications_claim_idx" ON "mercadopago_notifications" USING btree ("status","run_at","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "mercadopago_notifications_lease_idx" ON "mercadopago_notifications" USING btree ("locked_until") WHERE status = 'processing';--> statement-breakpoint
CREATE INDEX "mercadopago_notifications_received_idx" ON "mercadopago_notifications" USING btree ("received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "mercadopago_notifications_resource_idx" ON "mercadopago_notifications" USING btree ("resource_id","received_at" DESC NULLS LAST);