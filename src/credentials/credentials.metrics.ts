import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { CredentialsRepository } from './credentials.repository';

/** Credentials Mercado Pago refused (401), on the app's registry. */
@Injectable()
export class CredentialsMetrics {
  private readonly invalidated: Counter;

  constructor(metrics: MetricsService, repository: CredentialsRepository) {
    const registers = [metrics.registry];
    this.invalidated = new Counter({
      name: 'mercadopago_credentials_invalidated_total',
      help: 'Credentials marked invalid after Mercado Pago answered 401 to their access token',
      registers,
    });
    new Gauge({
      name: 'mercadopago_credentials_invalid',
      help: 'Live credentials marked invalid, refused until rotated (POST /v1/credentials/{id}/rotate)',
      registers,
      async collect() {
        this.set(await repository.countInvalid());
      },
    });
  }

  countInvalidated(): void {
    this.invalidated.inc();
  }
}
