import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { TokenBootstrap } from './auth/token-bootstrap';
import { AppConfig, loadConfigFromEnvironment } from './config/app-config';
import { openDatabase } from './database/database.module';
import { banner, describeStartupFailure, listeningUrl } from './startup';

let config: AppConfig | undefined;
const noop = () => undefined;

async function bootstrap(): Promise<void> {
  config = loadConfigFromEnvironment();
  // Opened first, loaded after: PGlite's start (or PostgreSQL's migrations) runs while the rest
  // of the app's code loads. Loading holds this thread for half a second without reading a reply,
  // so it waits for PostgreSQL to have the migrations in hand (a few ms). A failure is handled
  // where the app awaits it, with the others.
  let migrating!: () => void;
  const handedOver = new Promise<void>((resolve) => (migrating = resolve));
  const database = openDatabase(config, migrating);
  await Promise.race([handedOver, database.then(noop, noop)]);
  const { createApp } = await import('./app.setup');
  const app = await createApp(config, { database });
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
