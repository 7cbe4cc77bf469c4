import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { SCOPES, Scope } from '../scopes';
import type { ServiceTokenRow } from '../tokens.schema';

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
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'mpsvc_AbC123', description: 'First characters, to recognise a token' })
  prefix: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_used_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at: string | null;

  static from(row: ServiceTokenRow): TokenDto {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes: row.scopes,
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
