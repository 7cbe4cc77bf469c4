import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfigFromEnvironment } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { DataDirLockedError } from '../database/pid-lock';
import { CredentialsResealService } from './credentials-reseal.service';
import { CredentialsRepository } from './credentials.repository';
import { WebhookEndpointsRepository } from '../events/webhook-endpoints.repository';
import { WebhookEndpointsResealService } from '../events/webhook-endpoints-reseal.service';
import { UnknownKeyError, secretBoxProvider } from './secret-box';

/**
 * `npm run credentials:reseal`: after setting a new CREDENTIALS_ENCRYPTION_KEY (and the old one as
 * CREDENTIALS_PREVIOUS_ENCRYPTION_KEY), moves every stored secret (credentials, and webhook
 * endpoints' signing secrets) onto the new key. Afterwards the previous key can be dropped. Safe
 * to run again: rows already on the new key are skipped.
 */
async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  @Module({
    imports: [AppConfigModule.forRoot(config), DatabaseModule.forRoot()],
    providers: [
      CredentialsRepository,
      CredentialsResealService,
      WebhookEndpointsRepository,
      WebhookEndpointsResealService,
      secretBoxProvider,
    ],
  })
  class ResealCliModule {}

  const app = await NestFactory.createApplicationContext(ResealCliModule, {
    logger: false,
    abortOnError: false,
  });
  try {
    const report = await app.get(CredentialsResealService).resealAll();
    const endpoints = await app.get(WebhookEndpointsResealService).resealAll();
    process.stdout.write(`${JSON.stringify({ ...report, webhook_endpoints: endpoints })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof UnknownKeyError;
  process.stderr.write(`${known ? error.message : String(error)}\n`);
  process.exit(1);
});
