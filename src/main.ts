import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfigFromEnvironment } from './config/app-config';
import { DataDirLockedError } from './database/pid-lock';
import { createApp } from './app.setup';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnvironment();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  new Logger('Main').log(`Listening on ${await app.getUrl()}`);
}

bootstrap().catch((error: unknown) => {
  // Known start-up failures get one clear line; anything else keeps its stack.
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`Cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Cannot start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
