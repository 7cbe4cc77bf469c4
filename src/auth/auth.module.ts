import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CredentialsModule } from '../credentials/credentials.module';
import { AuthGuard } from './auth.guard';
import { RateLimiter } from './rate-limiter';
import { RateLimitsRepository } from './rate-limits.repository';
import { TokenBootstrap } from './token-bootstrap';
import { TokensController } from './tokens.controller';
import { TokensRepository } from './tokens.repository';
import { TokensService } from './tokens.service';

@Module({
  imports: [CredentialsModule],
  controllers: [TokensController],
  providers: [
    TokensRepository,
    TokensService,
    TokenBootstrap,
    RateLimitsRepository,
    RateLimiter,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokensService],
})
export class AuthModule {}
