import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfigFromEnvironment } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { DataDirLockedError } from '../database/pid-lock';
import { CredentialsResealService } from './credentials-reseal.service';
import { CredentialsRepository } from './credentials.repository';
import { UnknownKeyError, secretBoxProvider } from './secret-box';

/**
 * `npm run credentials:reseal`: after setting a new CREDENTIALS_ENCRYPTION_KEY (and the old one as
 * CREDENTIALS_PREVIOUS_ENCRYPTION_KEY), moves every stored secret onto the new key. Afterwards
 * the previous key can be dropped. Safe to run again: rows already on the new key are skipped.
 */
async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  @Module({
    imports: [AppConfigModule.forRoot(config), DatabaseModule],
    providers: [CredentialsRepository, CredentialsResealService, secretBoxProvider],
  })
  class ResealCliModule {}

  const app = await NestFactory.createApplicationContext(ResealCliModule, {
    logger: false,
    abortOnError: false,
  });
  try {
    const report = await app.get(CredentialsResealService).resealAll();
    process.stdout.write(`${JSON.stringify(report)}\n`);
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
