import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SCOPES } from './scopes';
import { TokensService } from './tokens.service';

/** What the start-up banner (main.ts) tells a developer about service tokens. */
export type TokenNotice =
  { kind: 'created'; token: string } | { kind: 'existing'; active: number } | { kind: 'none' };

export const TOKEN_CREATE_COMMAND = `npm run token:create -- --name admin --scopes ${SCOPES.join(',')}`;

@Injectable()
export class TokenBootstrap implements OnApplicationBootstrap {
  notice: TokenNotice = { kind: 'none' };

  constructor(
    private readonly tokens: TokensService,
    private readonly config: AppConfig,
  ) {}

  /** A newcomer without ADMIN_TOKEN gets a first admin token, shown once, outside production. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.isProduction || this.config.adminToken) return;
    const { all, active } = await this.tokens.countTokens();
    if (all > 0) {
      this.notice = { kind: 'existing', active };
      return;
    }
    const { token } = await this.tokens.create('bootstrap-admin', [...SCOPES]);
    this.notice = { kind: 'created', token };
  }
}
