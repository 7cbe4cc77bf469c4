import { Module } from '@nestjs/common';
import { CredentialsBootstrap } from './credentials.bootstrap';
import { CredentialsController } from './credentials.controller';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { secretBoxProvider } from './secret-box';

/** Mercado Pago credentials; MercadoPagoAccounts (the live check) comes from the global MercadoPagoModule. */
@Module({
  controllers: [CredentialsController],
  providers: [CredentialsRepository, CredentialsService, CredentialsBootstrap, secretBoxProvider],
  exports: [CredentialsService],
})
export class CredentialsModule {}
