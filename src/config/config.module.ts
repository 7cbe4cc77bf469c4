import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { AppConfig } from './app-config';

const APP_NAMESPACE = 'app';

/**
 * Carries the already-validated AppConfig through @nestjs/config. Validation happens before Nest
 * boots (loadConfig), so a bad setting stops the process with one line instead of a DI stack.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          load: [registerAs(APP_NAMESPACE, () => config)],
        }),
      ],
      providers: [
        {
          provide: AppConfig,
          useFactory: (configs: ConfigService) => configs.getOrThrow<AppConfig>(APP_NAMESPACE),
          inject: [ConfigService],
        },
      ],
      exports: [AppConfig],
    };
  }
}
