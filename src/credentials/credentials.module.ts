import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CredentialsBootstrap } from './credentials.bootstrap';
import { CredentialsController } from './credentials.controller';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { SecretBox } from './secret-box';

/** Mercado Pago credentials; MercadoPagoAccounts (the live check) comes from the global MercadoPagoModule. */
@Module({
  controllers: [CredentialsController],
  providers: [
    CredentialsRepository,
    CredentialsService,
    CredentialsBootstrap,
    {
      provide: SecretBox,
      useFactory: (config: AppConfig) => SecretBox.fromConfig(config),
      inject: [AppConfig],
    },
  ],
  exports: [CredentialsService],
})
export class CredentialsModule {}
