import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { TokenBootstrap } from './auth/token-bootstrap';
import { AppConfig, loadConfigFromEnvironment } from './config/app-config';
import { createApp } from './app.setup';
import { banner, describeStartupFailure, listeningUrl } from './startup';

let config: AppConfig | undefined;

async function bootstrap(): Promise<void> {
  config = loadConfigFromEnvironment();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address() as AddressInfo;
  new Logger('Main').log(`Listening on ${listeningUrl(address)}`);
  if (!config.isProduction) {
    process.stdout.write(banner(address, app.get(TokenBootstrap).notice));
  }
}

bootstrap().catch((error: unknown) => {
  // Known start-up failures get one clear line; anything else keeps its stack.
  const known = describeStartupFailure(error, config);
  const stack = error instanceof Error ? error.stack : String(error);
  process.stderr.write(`Cannot start: ${known ?? stack}\n`);
  process.exit(1);
});
