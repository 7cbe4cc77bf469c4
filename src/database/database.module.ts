import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from './database';

/** Opens the configured database; connection losses (PostgreSQL) are logged, never fatal. */
export function openDatabase(config: AppConfig, onMigrating?: () => void): Promise<Database> {
  const logger = new Logger('Database');
  return Database.open(
    config.database,
    (error) => logger.warn(`A PostgreSQL connection failed and will be replaced: ${error.message}`),
    onMigrating,
  );
}

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  /**
   * `opening`: a database main.ts began to open before loading the rest of the app, so PGlite's
   * start (or PostgreSQL's connection and migrations) overlaps loading the code; else opened here.
   */
  static forRoot(opening?: Promise<Database>): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: Database,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const database = await (opening ?? openDatabase(config));
            new Logger('Database').log(
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
    };
  }

  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
