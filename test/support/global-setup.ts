import { prepareTemplate } from './test-db';

/**
 * Jest runs a global setup module once per path, not once per project (with the config of
 * whichever project's test comes first), so this prepares every database the run may use.
 */
export default async function globalSetup(): Promise<void> {
  await prepareTemplate('pglite');
  if (process.env.DATABASE_URL) await prepareTemplate('postgres');
}
