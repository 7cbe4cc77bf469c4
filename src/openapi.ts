import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { buildOpenApiDocument, createAdapter } from './app.setup';
import { loadConfig } from './config/app-config';

const FILE = join(__dirname, '..', '..', 'openapi.json');

/** Writes or checks the committed openapi.json; preview mode builds routes without connecting. */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(loadConfig({ NODE_ENV: 'development' })),
    createAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  const generated = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();

  if (process.argv.includes('--write')) {
    writeFileSync(FILE, generated);
    process.stdout.write(`wrote ${FILE}\n`);
    return;
  }
  const committed = readFileSync(FILE, 'utf8');
  if (committed !== generated) {
    process.stderr.write('openapi.json is stale: run `npm run openapi:write` and commit it\n');
    process.exit(1);
  }
  process.stdout.write('openapi.json is up to date\n');
}

void main();
