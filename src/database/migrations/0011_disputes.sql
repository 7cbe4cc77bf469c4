CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"mercadopago_id" text NOT NULL,
	"payment_id" uuid NOT NULL,
	"payment_mercadopago_id" bigint NOT NULL,
	"status" text NOT NULL,
	"documentation_status" text NOT NULL,
	"currency_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"reason" text,
	"documentation_required" boolean,
	"documentation_deadline" timestamp with time zone,
	"coverage_applied" boolean,
	"coverage_eligible" boolean,
	"live_mode" boolean NOT NULL,
	"gateway_created_at" timestamp with time zone,
	"gateway_updated_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_mercadopago_id_idx" ON "disputes" USING btree ("mercadopago_id");--> statement-breakpoint
CREATE INDEX "disputes_created_idx" ON "disputes" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "disputes_status_created_idx" ON "disputes" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "disputes_credential_created_idx" ON "disputes" USING btree ("credential_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "disputes_payment_idx" ON "disputes" USING btree ("payment_id","created_at");--> statement-breakpoint
CREATE INDEX "disputes_deadline_idx" ON "disputes" USING btree ("documentation_deadline");