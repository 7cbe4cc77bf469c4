import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Secret } from '../common/secret';
import { AppConfig, ConfigError } from '../config/app-config';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_SITE_ID,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from './emulator-sandbox';
import { CredentialDefaultConflictError, CredentialNameTakenError } from './credentials.errors';
import { CredentialsService, SYSTEM_ACTOR } from './credentials.service';

export const SEEDED_NAME = 'env-default';
export const EMULATOR_NAME = 'emulator-sandbox';

/**
 * At start: MERCADOPAGO_* create or update the default credentials; with none of them and the
 * embedded emulator (started in MercadoPagoEndpoint.onModuleInit, so up by now) on a database
 * that never held credentials, the emulator's sandbox account becomes the default, so
 * `npm start` works with zero settings.
 */
@Injectable()
export class CredentialsBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Credentials');

  constructor(
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.seed();
    } catch (error) {
      if (
        !(error instanceof CredentialDefaultConflictError) &&
        !(error instanceof CredentialNameTakenError)
      ) {
        throw error;
      }
      // Instances starting together on an empty database race to create the default; the unique
      // indexes let one win, and a second pass here sees its row and only brings it in line.
      await this.seed();
    }

    const row = await this.credentials.findDefault();
    if (row) {
      this.logger.log(
        `Default Mercado Pago credentials: "${row.name}" (${row.id}, site ${row.siteId}, ${row.mode})`,
      );
    } else {
      this.logger.warn('No default Mercado Pago credentials: payments must name a credential_id');
    }
    for (const unsigned of await this.credentials.productionWithoutWebhookSecret()) {
      this.logger.warn(
        `Production credentials "${unsigned.name}" (${unsigned.id}) hold no webhook secret: ` +
          'every Mercado Pago notification for them is refused; rotate one in ' +
          `(POST /v1/credentials/${unsigned.id}/rotate with webhook_secret)`,
      );
    }
  }

  private async seed(): Promise<void> {
    const { accessToken, publicKey, webhookSecret } = this.config.seedCredentials;
    if (accessToken || publicKey || webhookSecret) {
      if (!accessToken || !publicKey) {
        throw new ConfigError(
          'Missing setting: MERCADOPAGO_ACCESS_TOKEN and MERCADOPAGO_PUBLIC_KEY go together ' +
            '(MERCADOPAGO_WEBHOOK_SECRET needs both)',
        );
      }
      await this.credentials.seedDefault(SEEDED_NAME, {
        accessToken: new Secret(accessToken),
        publicKey,
        webhookSecret: webhookSecret === undefined ? undefined : new Secret(webhookSecret),
      });
    } else if (
      this.config.mercadoPago.kind === 'embedded-emulator' &&
      (await this.credentials.countAll()) === 0
    ) {
      await this.credentials.create(
        {
          name: EMULATOR_NAME,
          siteId: EMULATOR_DEFAULT_SITE_ID,
          mode: 'sandbox',
          publicKey: EMULATOR_DEFAULT_PUBLIC_KEY,
          accessToken: new Secret(EMULATOR_DEFAULT_ACCESS_TOKEN),
          webhookSecret: new Secret(EMULATOR_DEFAULT_WEBHOOK_SECRET),
          isDefault: true,
        },
        SYSTEM_ACTOR,
      );
    }
  }
}
