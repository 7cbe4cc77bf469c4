import type { AddressInfo } from 'node:net';
import { TOKEN_CREATE_COMMAND, TokenNotice } from './auth/token-bootstrap';
import { AppConfig, ConfigError } from './config/app-config';
import { DataDirLockedError } from './database/pid-lock';

type Failure = Error & { code?: unknown; port?: unknown; errors?: unknown[] };

/** The error and what it wraps (causes, the attempts of an AggregateError), outermost first. */
function* chain(error: unknown, depth = 0): Generator<Failure> {
  if (!(error instanceof Error) || depth > 5) return;
  const failure = error as Failure;
  yield failure;
  for (const inner of failure.errors ?? []) yield* chain(inner, depth + 1);
  yield* chain(failure.cause, depth + 1);
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** Where DATABASE_URL points, without its password. */
function databaseTarget(config: AppConfig): string {
  if (config.database.kind !== 'postgres') return '';
  const url = new URL(config.database.url);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * One line naming the cause and the setting to change, for the failures a developer or an
 * operator meets at start; undefined for anything else (which keeps its stack).
 */
export function describeStartupFailure(error: unknown, config?: AppConfig): string | undefined {
  for (const failure of chain(error)) {
    if (failure instanceof ConfigError || failure instanceof DataDirLockedError) {
      return failure.message;
    }
    const { code } = failure;
    if (code === 'EADDRINUSE' && config) {
      const emulator =
        config.mercadoPago.kind === 'embedded-emulator' &&
        failure.port === config.mercadoPago.port &&
        failure.port !== config.port;
      const setting = emulator ? 'EMULATOR_PORT' : 'PORT';
      return `Port ${String(failure.port)} is already in use (${setting}): stop what holds it or set another ${setting}`;
    }
    if (config?.database.kind === 'postgres') {
      const target = databaseTarget(config);
      if (typeof code === 'string' && UNREACHABLE.has(code)) {
        return `Cannot reach PostgreSQL at ${target} (${code}): start it or fix DATABASE_URL`;
      }
      if (code === '3D000')
        return `The database ${target} does not exist: create it or fix DATABASE_URL`;
      if (code === '28P01' || code === '28000') {
        return `PostgreSQL at ${target} refused the user or password in DATABASE_URL (${code})`;
      }
    }
    if ((code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR') && config) {
      return `Cannot use the data folder ${config.dataDir} (${code}): fix its permissions or set another DATA_DIR`;
    }
  }
  return undefined;
}

/** The address the server really listens on (PORT=0 picks a free one). */
export function listeningUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Printed to the terminal, never into the log that may be shipped elsewhere. */
export function banner(address: AddressInfo, notice: TokenNotice): string {
  const wildcard = ['0.0.0.0', '::'].includes(address.address);
  const docs = `${listeningUrl(wildcard ? { ...address, address: 'localhost', family: 'IPv4' } : address)}/docs`;
  const lines = [`Swagger UI: ${docs}`];
  if (notice.kind === 'created') {
    lines.push(
      'No service token existed, so an admin token with every scope was created.',
      'It is shown only this once; paste it in Swagger UI (Authorize):',
      '',
      `  ${notice.token}`,
    );
  } else if (notice.kind === 'existing') {
    lines.push(
      notice.active === 0
        ? 'Every service token is revoked. To make one, stop the service and run:'
        : 'Authorize with a service token. Lost it? Stop the service and run:',
      `  ${TOKEN_CREATE_COMMAND}`,
    );
  } else {
    lines.push('Authorize with ADMIN_TOKEN or a service token.');
  }
  return `\n${lines.join('\n')}\n\n`;
}
