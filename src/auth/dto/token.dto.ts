import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { ApiBodyExample } from '../../common/openapi/openapi-document';
import { SCOPES, Scope } from '../scopes';
import type { ServiceTokenRow } from '../tokens.schema';

// Without it Swagger UI would prefill credential_ids with a placeholder uuid that names nothing.
@ApiBodyExample({ name: 'checkout-service', scopes: ['payments:read', 'payments:write'] })
export class CreateTokenDto {
  @ApiProperty({ example: 'checkout-service', description: 'Who will use the token' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w.\- ]+$/, { message: 'name may hold letters, digits, spaces, _ . -' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['payments:read', 'payments:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes: Scope[];

  @ApiProperty({
    required: false,
    type: [String],
    format: 'uuid',
    description:
      'Limit the token to these credentials: it sees and acts only on their payments, customers and notifications, and routes that span every credentials refuse it. Omitted: every credentials.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  credential_ids?: string[];
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'mpsvc_AbC123', description: 'First characters, to recognise a token' })
  prefix: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'The credentials the token is limited to; null: every credentials',
  })
  credential_ids: string[] | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_used_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at: string | null;

  static from(row: ServiceTokenRow): TokenDto {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes: row.scopes,
      credential_ids: row.credentialIds,
      created_at: row.createdAt.toISOString(),
      last_used_at: row.lastUsedAt?.toISOString() ?? null,
      revoked_at: row.revokedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The secret: shown in this answer only, store it now' })
  token: string;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenDto] }) data: TokenDto[];
}
