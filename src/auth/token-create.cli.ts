import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFromEnvironment } from '../config/app-config';
import { CacheModule } from '../cache/cache.module';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { DataDirLockedError } from '../database/pid-lock';
import { SCOPES, Scope } from './scopes';
import { TokensRepository } from './tokens.repository';
import { TokensService } from './tokens.service';

const USAGE = `usage: npm run token:create -- --name NAME --scopes ${SCOPES.join(',')}`;

/** Ops' way to mint a token without the API, e.g. the first one in production. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, scopes: { type: 'string' } },
  });
  const scopes = (values.scopes ?? '').split(',').filter(Boolean);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (!values.name || scopes.length === 0 || unknown.length > 0) {
    throw new ConfigError(
      unknown.length ? `unknown scope(s) ${unknown.join(', ')}; ${USAGE}` : USAGE,
    );
  }

  const config = loadConfigFromEnvironment();
  @Module({
    imports: [AppConfigModule.forRoot(config), DatabaseModule.forRoot(), CacheModule],
    providers: [TokensRepository, TokensService],
  })
  class TokenCliModule {}

  const app = await NestFactory.createApplicationContext(TokenCliModule, {
    logger: false,
    abortOnError: false,
  });
  try {
    const { token, row } = await app.get(TokensService).create(values.name, scopes as Scope[]);
    process.stdout.write(`${JSON.stringify({ id: row.id, name: row.name, scopes: row.scopes })}\n`);
    process.stdout.write(`token (shown once): ${token}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof DataDirLockedError;
  process.stderr.write(`${known ? error.message : String(error)}\n`);
  process.exit(1);
});
