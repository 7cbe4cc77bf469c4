import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from './database';

@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const logger = new Logger('Database');
        const database = await Database.open(config.database, (error) =>
          logger.warn(`A PostgreSQL connection failed and will be replaced: ${error.message}`),
        );
        logger.log(
          config.database.kind === 'pglite'
            ? `Using embedded PostgreSQL (PGlite) in ${config.database.dataDir}` +
                (database.seededFromImage ? ' (new, copied from the migrated image)' : '')
            : 'Using PostgreSQL from DATABASE_URL',
        );
        return database;
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
