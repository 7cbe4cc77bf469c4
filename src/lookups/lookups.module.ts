import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { LookupsController } from './lookups.controller';
import { LookupsService } from './lookups.service';

/** Front-end lookups per credentials; LookupsGateway comes from the global MercadoPagoModule. */
@Module({
  imports: [CredentialsModule],
  controllers: [LookupsController],
  providers: [LookupsService],
  exports: [LookupsService],
})
export class LookupsModule {}
