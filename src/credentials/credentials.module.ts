import { Module } from '@nestjs/common';
import { CredentialsBootstrap } from './credentials.bootstrap';
import { CredentialsController } from './credentials.controller';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { CredentialsMetrics } from './credentials.metrics';
import { GoLiveRepository } from './go-live/go-live.repository';
import { GoLiveService } from './go-live/go-live.service';
import { AccessTokenRefusals } from './access-token-refusals.port';
import { SecretBox, secretBoxProvider } from './secret-box';

/** Mercado Pago credentials; MercadoPagoAccounts (the live check) comes from the global MercadoPagoModule. */
@Module({
  controllers: [CredentialsController],
  providers: [
    CredentialsRepository,
    CredentialsService,
    CredentialsMetrics,
    GoLiveRepository,
    GoLiveService,
    CredentialsBootstrap,
    secretBoxProvider,
    { provide: AccessTokenRefusals, useExisting: CredentialsService },
  ],
  // One SecretBox for every sealed secret (endpoint signing secrets too).
  exports: [CredentialsService, SecretBox, AccessTokenRefusals],
})
export class CredentialsModule {}
