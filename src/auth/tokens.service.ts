import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { Principal } from './principal';
import { SCOPES, Scope } from './scopes';
import { TokensRepository } from './tokens.repository';
import { ServiceTokenRow } from './tokens.schema';

const TOKEN_PREFIX = 'mpsvc_';
const ADMIN_TOKEN_ID = 'admin-token';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

@Injectable()
export class TokensService {
  private readonly logger = new Logger('Tokens');
  private readonly adminTokenHash?: Buffer;

  constructor(
    private readonly tokens: TokensRepository,
    config: AppConfig,
  ) {
    if (config.adminToken) this.adminTokenHash = sha256(config.adminToken);
  }

  countAll(): Promise<number> {
    return this.tokens.countAll();
  }

  async create(name: string, scopes: Scope[]): Promise<{ token: string; row: ServiceTokenRow }> {
    const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
    const row = await this.tokens.insert({
      name,
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: sha256(token).toString('hex'),
      scopes: [...new Set(scopes)],
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
    return row;
  }

  async authenticate(secret: string): Promise<Principal | undefined> {
    const hash = sha256(secret);
    if (this.adminTokenHash && timingSafeEqual(hash, this.adminTokenHash)) {
      return { tokenId: ADMIN_TOKEN_ID, name: 'ADMIN_TOKEN', scopes: SCOPES };
    }
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await this.tokens.findActiveByHash(hash.toString('hex'));
    if (!row) return undefined;
    await this.tokens.touch(row.id);
    return { tokenId: row.id, name: row.name, scopes: row.scopes as Scope[] };
  }
}
