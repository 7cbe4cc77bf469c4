import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo, Server } from 'node:net';
import { AppConfig } from '../config/app-config';

/**
 * The notification_url each payment carries. Without PUBLIC_BASE_URL it is this process's own
 * port as actually listened on, so the embedded emulator (and every spec) notifies the service
 * that made the payment, racing its answer as Mercado Pago does.
 */
@Injectable()
export class NotificationUrls implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (this.forCredentials('') === undefined) {
      new Logger('Payments').warn(
        `PUBLIC_BASE_URL (${this.base()}) is not HTTPS, which Mercado Pago requires for ` +
          'notification_url: payments go without one, so configure the webhook URL ' +
          "(…/webhooks/mercadopago/{credential_id}) in Mercado Pago's panel",
      );
    }
  }

  base(): string {
    if (this.config.publicBaseUrl) return this.config.publicBaseUrl;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const address: AddressInfo | string | null | undefined = server?.address();
    const port = typeof address === 'object' && address ? address.port : this.config.port;
    return `http://localhost:${port}`;
  }

  /**
   * Mercado Pago accepts only HTTPS notification URLs. On plain HTTP we still send it to an
   * emulator (also plain HTTP, never Mercado Pago) and otherwise rely on the panel's URL.
   * `source_news=webhooks` asks for signed webhooks only: the legacy IPN copy cannot be signed.
   */
  forCredentials(credentialId: string): string | undefined {
    const base = this.base();
    const target = this.config.mercadoPago;
    const emulator = target.kind === 'embedded-emulator' || !target.url.startsWith('https://');
    if (!base.startsWith('https://') && !emulator) return undefined;
    return `${base}/webhooks/mercadopago/${credentialId}?source_news=webhooks`;
  }
}
