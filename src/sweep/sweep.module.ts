import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { PaymentsModule } from '../payments/payments.module';
import { PaymentsSweep } from './payments-sweep';
import { SweepMetrics } from './sweep.metrics';
import { SweepRepository } from './sweep.repository';

/** The periodic search of each credentials' payments at Mercado Pago (SWEEP_* settings). */
@Module({
  imports: [CredentialsModule, PaymentsModule],
  providers: [SweepRepository, SweepMetrics, PaymentsSweep],
})
export class SweepModule {}
