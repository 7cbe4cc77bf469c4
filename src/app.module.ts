import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import { CacheModule } from './cache/cache.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CustomersModule } from './customers/customers.module';
import { loggerParams } from './common/logging/logging';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import type { Database } from './database/database';
import { DatabaseModule } from './database/database.module';
import { DisputesModule } from './disputes/disputes.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { LookupsModule } from './lookups/lookups.module';
import { MercadoPagoModule } from './mercadopago/mercadopago.module';
import { MetricsModule } from './metrics/metrics.module';
import { PaymentsModule } from './payments/payments.module';
import { SweepModule } from './sweep/sweep.module';
import { ReportsModule } from './reports/reports.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppModuleOptions {
  /** Where JSON logs go (stdout when unset); tests pass a stream to read them. */
  logDestination?: DestinationStream;
  /** The database main.ts already began to open (see DatabaseModule.forRoot). */
  database?: Promise<Database>;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(
          loggerParams(config.logLevel, config.logFormat, options.logDestination),
        ),
        DatabaseModule.forRoot(options.database),
        CacheModule,
        MetricsModule,
        MercadoPagoModule,
        AuthModule,
        CredentialsModule,
        PaymentsModule,
        SweepModule,
        DisputesModule,
        ReportsModule,
        CustomersModule,
        WebhooksModule,
        EventsModule,
        HealthModule,
        LookupsModule,
        // A development tool that charges with the service's own principal: absent in production.
        ...(config.isProduction ? [] : [SandboxModule]),
      ],
    };
  }
}
