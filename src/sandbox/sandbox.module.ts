import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { LookupsModule } from '../lookups/lookups.module';
import { PaymentsModule } from '../payments/payments.module';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

/** The sandbox checkout page (issue 13 part 5); AppModule leaves it out in production. */
@Module({
  imports: [CredentialsModule, PaymentsModule, LookupsModule],
  controllers: [SandboxController],
  providers: [SandboxService],
})
export class SandboxModule {}
