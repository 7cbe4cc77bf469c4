import { Injectable } from '@nestjs/common';
import { and, desc, eq, gte, isNotNull, ne, or } from 'drizzle-orm';
import { Database } from '../../database/database';
import { payments } from '../../payments/payments.schema';
import { mercadopagoNotifications } from '../../webhooks/inbound/notifications.schema';

/** What these credentials have done, each the latest one (undefined: never, or not since). */
export interface GoLiveEvidence {
  verifiedNotificationAt?: Date;
  approvedPaymentAt?: Date;
  protectedPaymentAt?: Date;
}

/** Read-only looks at the payments and notifications tables, for the go-live checklist. */
@Injectable()
export class GoLiveRepository {
  constructor(private readonly database: Database) {}

  async evidence(credentialId: string, since: Date): Promise<GoLiveEvidence> {
    const db = this.database.db;
    const ofCredentials = eq(payments.credentialId, credentialId);
    const [notification, approved, protectedPayment] = await Promise.all([
      // Only webhooks carry a signature, and only a verified one is ever stored.
      db
        .select({ at: mercadopagoNotifications.lastReceivedAt })
        .from(mercadopagoNotifications)
        .where(
          and(
            eq(mercadopagoNotifications.credentialId, credentialId),
            isNotNull(mercadopagoNotifications.signature),
            gte(mercadopagoNotifications.lastReceivedAt, since),
          ),
        )
        .orderBy(desc(mercadopagoNotifications.lastReceivedAt))
        .limit(1),
      // Approved once is enough (it may have been refunded since).
      db
        .select({ at: payments.dateApproved })
        .from(payments)
        .where(and(ofCredentials, isNotNull(payments.dateApproved)))
        .orderBy(desc(payments.createdAt))
        .limit(1),
      db
        .select({ at: payments.createdAt })
        .from(payments)
        .where(
          and(
            ofCredentials,
            gte(payments.createdAt, since),
            or(isNotNull(payments.deviceId), ne(payments.threeDSecureMode, 'not_supported')),
          ),
        )
        .orderBy(desc(payments.createdAt))
        .limit(1),
    ]);
    return {
      verifiedNotificationAt: notification[0]?.at,
      approvedPaymentAt: approved[0]?.at ?? undefined,
      protectedPaymentAt: protectedPayment[0]?.at,
    };
  }
}
