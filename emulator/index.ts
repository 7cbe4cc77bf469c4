import {
  EMULATOR_DEFAULT_OPTIONS,
  loadEmulatorOptions,
  type EmulatorOptions,
} from './emulator.config';
import { buildEmulator } from './emulator.server';

export * from './emulator.defaults';
export { EMULATOR_DEFAULT_OPTIONS, loadEmulatorOptions };
export type { AccountInput, EmulatorOptions } from './emulator.config';

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:3100`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator over HTTP. Options left out come from the EMULATOR_* environment, then the
 * defaults; `port: 0` picks a free port.
 */
export async function startEmulator(
  options: Partial<EmulatorOptions> = {},
): Promise<RunningEmulator> {
  const resolved: EmulatorOptions = { ...loadEmulatorOptions(), ...options };
  const { app } = buildEmulator(resolved);
  await app.listen({ port: resolved.port, host: resolved.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : resolved.port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}`,
    close: () => app.close(),
  };
}
