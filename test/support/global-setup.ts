import type { Config } from '@jest/types';
import { prepareTemplate } from './test-db';

export default async function globalSetup(
  _global: unknown,
  project: Config.ProjectConfig,
): Promise<void> {
  await prepareTemplate((project.globals.TEST_DB as 'pglite' | 'postgres') ?? 'pglite');
}
