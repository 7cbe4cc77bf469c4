import { loadEmulatorOptions, startEmulator } from './index';

async function main(): Promise<void> {
  const options = loadEmulatorOptions();
  const emulator = await startEmulator(options);
  console.log(
    `Mercado Pago emulator listening on ${emulator.url} (site ${options.siteId}, time scale ${options.timeScale}); control API at ${emulator.url}/__emulator`,
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
