import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CredentialsService } from '../credentials.service';
import { GoLiveRepository } from './go-live.repository';

/** Evidence older than this does not count: a go-live check is about the integration as it is. */
export const GO_LIVE_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

export interface GoLiveCheck {
  id: string;
  title: string;
  passed: boolean;
  /** What was found, or what to do to pass. */
  detail: string;
}

export interface GoLiveReport {
  credentialId: string;
  ready: boolean;
  checks: GoLiveCheck[];
}

const check = (id: string, title: string, passed: boolean, ok: string, todo: string) => ({
  id,
  title,
  passed,
  detail: passed ? ok : todo,
});

const at = (date: Date) => date.toISOString();

/** Seed 004's go-live requirements for one set of credentials, each passed or not, with why. */
@Injectable()
export class GoLiveService {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly repository: GoLiveRepository,
    private readonly config: AppConfig,
  ) {}

  async report(id: string): Promise<GoLiveReport> {
    const row = await this.credentials.get(id);
    const since = new Date(Date.now() - GO_LIVE_WINDOW_DAYS * DAY_MS);
    const found = await this.repository.evidence(row.id, since);
    const base = this.config.publicBaseUrl;
    const days = `in the last ${GO_LIVE_WINDOW_DAYS} days`;
    const checks = [
      check(
        'production_credentials',
        'Production credentials (not sandbox, not a test user)',
        row.mode === 'production' && !row.testUser,
        "mode production, on a real Mercado Pago account's APP_USR- values",
        row.testUser
          ? "the account is a Mercado Pago test user: add the real account's production credentials"
          : "mode sandbox: add the account's production credentials (APP_USR- values)",
      ),
      check(
        'https_notification_url',
        'HTTPS notification URL',
        base?.startsWith('https://') ?? false,
        `notifications go to ${base}/webhooks/mercadopago/${row.id}`,
        'set PUBLIC_BASE_URL to the public https:// address of this service',
      ),
      check(
        'webhook_secret',
        'Webhook secret set',
        row.webhookSecretSealed !== null,
        `set ${at(row.webhookSecretSetAt ?? row.createdAt)}`,
        "copy the secret from Mercado Pago's panel (Webhooks) into POST /v1/credentials/{id}/rotate",
      ),
      check(
        'verified_notification',
        `A signed notification verified ${days}`,
        found.verifiedNotificationAt !== undefined,
        `latest received ${at(found.verifiedNotificationAt ?? since)}`,
        `configure the webhook URL in Mercado Pago's panel and make a payment: none arrived ${days}`,
      ),
      check(
        'approved_payment',
        'An approved payment',
        found.approvedPaymentAt !== undefined,
        `latest approved ${at(found.approvedPaymentAt ?? since)}`,
        'make a payment that Mercado Pago approves with these credentials',
      ),
      check(
        'device_id_or_3ds',
        `Device id or 3DS in use ${days}`,
        found.protectedPaymentAt !== undefined,
        `latest such payment created ${at(found.protectedPaymentAt ?? since)}`,
        'send the device session id (X-Meli-Session-Id or device_id) or three_d_secure_mode',
      ),
      check(
        'credentials_valid',
        'Mercado Pago accepts the access token',
        row.invalidAt === null,
        'no 401 from Mercado Pago since the access token was set',
        `Mercado Pago refused it at ${at(row.invalidAt ?? since)}: rotate the access token`,
      ),
    ];
    return { credentialId: row.id, ready: checks.every((c) => c.passed), checks };
  }
}
