CREATE TABLE "outbox_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"owner" text NOT NULL,
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"locked_until" timestamp with time zone,
	"resource_id" uuid,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_owner_scope_key_pk" PRIMARY KEY("owner","scope","key")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"live_mode" boolean NOT NULL,
	"created_by" text NOT NULL,
	"mercadopago_id" bigint,
	"status" text NOT NULL,
	"status_detail" text,
	"currency_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"installments" integer NOT NULL,
	"payment_method_id" text NOT NULL,
	"payment_type_id" text,
	"issuer_id" text,
	"captured" boolean DEFAULT false NOT NULL,
	"capture" boolean NOT NULL,
	"binary_mode" boolean NOT NULL,
	"external_reference" text,
	"description" text,
	"statement_descriptor" text,
	"metadata" jsonb,
	"payer_email" text NOT NULL,
	"card_first_six_digits" text,
	"card_last_four_digits" text,
	"pending_request" jsonb,
	"gateway_idempotency_key" text NOT NULL,
	"failure" jsonb,
	"date_approved" timestamp with time zone,
	"gateway_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"next_sync_at" timestamp with time zone,
	"sync_attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_id" uuid NOT NULL,
	"mercadopago_id" bigint,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"full" boolean NOT NULL,
	"gateway_idempotency_key" text NOT NULL,
	"failure" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_events_subject_idx" ON "outbox_events" USING btree ("subject_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_events_created_at_idx" ON "outbox_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_mercadopago_id_idx" ON "payments" USING btree ("mercadopago_id");--> statement-breakpoint
CREATE INDEX "payments_created_idx" ON "payments" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payments_status_created_idx" ON "payments" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payments_external_reference_idx" ON "payments" USING btree ("external_reference","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payments_payer_email_idx" ON "payments" USING btree ("payer_email","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payments_credential_created_idx" ON "payments" USING btree ("credential_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payments_next_sync_idx" ON "payments" USING btree ("next_sync_at") WHERE status IN ('submitting', 'pending', 'in_process', 'authorized');--> statement-breakpoint
CREATE INDEX "refunds_payment_idx" ON "refunds" USING btree ("payment_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_mercadopago_id_idx" ON "refunds" USING btree ("mercadopago_id");