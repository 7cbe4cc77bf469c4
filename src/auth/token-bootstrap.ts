import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SCOPES } from './scopes';
import { TokensService } from './tokens.service';

@Injectable()
export class TokenBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly tokens: TokensService,
    private readonly config: AppConfig,
  ) {}

  /** A newcomer without ADMIN_TOKEN gets a first admin token printed once, outside production. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.isProduction || this.config.adminToken) return;
    if ((await this.tokens.countAll()) > 0) return;
    const { token } = await this.tokens.create('bootstrap-admin', [...SCOPES]);
    // Straight to the terminal, never into the JSON log that may be shipped elsewhere.
    process.stdout.write(
      `\nNo service token existed, so an admin token with every scope was created.\n` +
        `It is shown only this once; use it in Swagger UI (/docs → Authorize):\n\n  ${token}\n\n`,
    );
  }
}
