import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '../common/errors/domain-error';
import { CacheInvalidation } from '../cache/cache-invalidation';
import { SharedCache } from '../cache/shared-cache';
import { AppConfig } from '../config/app-config';
import { Principal } from './principal';
import { SCOPES, Scope } from './scopes';
import { TokensRepository } from './tokens.repository';
import { ServiceTokenRow } from './tokens.schema';

const TOKEN_PREFIX = 'mpsvc_';
const ADMIN_TOKEN_ID = 'admin-token';

const TOKENS_TOPIC = 'tokens';
/** last_used_at is coarse: at most one write per token per minute and instance. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

interface CachedToken {
  principal: Principal;
  touchedAt: number;
}

@Injectable()
export class TokensService {
  private readonly logger = new Logger('Tokens');
  private readonly adminTokenHash?: Buffer;
  /** Keyed by the token's SHA-256 (never the token); only live tokens are kept. */
  private readonly cache: SharedCache<CachedToken>;

  constructor(
    private readonly tokens: TokensRepository,
    private readonly invalidation: CacheInvalidation,
    config: AppConfig,
  ) {
    if (config.adminToken) this.adminTokenHash = sha256(config.adminToken);
    this.cache = invalidation.cache<CachedToken>(TOKENS_TOPIC);
  }

  countTokens(): Promise<{ all: number; active: number }> {
    return this.tokens.countTokens();
  }

  async create(
    name: string,
    scopes: Scope[],
    credentialIds?: string[],
  ): Promise<{ token: string; row: ServiceTokenRow }> {
    const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
    const row = await this.tokens.insert({
      name,
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: sha256(token).toString('hex'),
      scopes: [...new Set(scopes)],
      credentialIds: credentialIds ? [...new Set(credentialIds)] : null,
    });
    this.logger.log(`Service token ${row.prefix}… "${name}" created`);
    return { token, row };
  }

  list(): Promise<ServiceTokenRow[]> {
    return this.tokens.list();
  }

  async revoke(id: string): Promise<ServiceTokenRow> {
    const row = await this.tokens.revoke(id);
    if (!row) throw new NotFoundError('TOKEN_NOT_FOUND', `No service token with id ${id}`);
    await this.invalidation.publish(TOKENS_TOPIC, row.tokenHash);
    return row;
  }

  async authenticate(secret: string): Promise<Principal | undefined> {
    const hash = sha256(secret);
    if (this.adminTokenHash && timingSafeEqual(hash, this.adminTokenHash)) {
      return { tokenId: ADMIN_TOKEN_ID, name: 'ADMIN_TOKEN', scopes: SCOPES };
    }
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const key = hash.toString('hex');
    const cached = await this.cache.get(key, async () => {
      const row = await this.tokens.findActiveByHash(key);
      return row && { principal: principalOf(row), touchedAt: 0 };
    });
    if (!cached) return undefined;
    const now = Date.now();
    if (now - cached.touchedAt >= TOUCH_EVERY_MS) {
      cached.touchedAt = now;
      await this.tokens.touch(cached.principal.tokenId);
    }
    return cached.principal;
  }
}

function principalOf(row: ServiceTokenRow): Principal {
  return {
    tokenId: row.id,
    name: row.name,
    scopes: row.scopes as Scope[],
    ...(row.credentialIds ? { credentialIds: row.credentialIds } : {}),
  };
}
