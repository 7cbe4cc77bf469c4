import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { configureSdk } from './mercadopago-sdk';

/**
 * Where Mercado Pago calls go. Outside production with no MERCADOPAGO_API_URL, the offline
 * emulator is started in this process (loaded only then) so a newcomer can charge a test card.
 */
@Injectable()
export class MercadoPagoEndpoint implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MercadoPago');
  private stopEmulator?: () => Promise<void>;
  private url = '';

  constructor(private readonly config: AppConfig) {}

  get baseUrl(): string {
    return this.url;
  }

  async onModuleInit(): Promise<void> {
    const target = this.config.mercadoPago;
    if (target.kind === 'remote') {
      this.url = target.url;
      this.logger.log(`Mercado Pago API at ${target.url}`);
    } else {
      const { startEmulator } = await import('../../emulator');
      const seed = this.config.seedCredentials;
      const emulator = await startEmulator({
        port: target.port,
        host: '127.0.0.1',
        timeScale: target.timeScale,
        accounts:
          seed.accessToken && seed.publicKey
            ? [
                {
                  access_token: seed.accessToken,
                  public_key: seed.publicKey,
                  webhook_secret: seed.webhookSecret,
                },
              ]
            : [],
      });
      this.stopEmulator = () => emulator.close();
      this.url = emulator.url;
      this.logger.warn(
        `Mercado Pago is the embedded offline emulator at ${emulator.url} (no real charges); ` +
          'set MERCADOPAGO_API_URL to use another',
      );
    }
    configureSdk(this.url, this.config.mercadoPagoClient);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopEmulator?.();
  }
}
