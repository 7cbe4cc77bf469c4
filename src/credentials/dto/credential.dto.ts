import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ApiBodyExample } from '../../common/openapi/openapi-document';
import { MODES } from '../credential-formats';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../emulator-sandbox';
import type { CredentialAuditRow, CredentialRow } from '../credentials.schema';
import { SITE_IDS } from '../sites';

const NAME = /^[\w.\- ]+$/;
const NAME_MESSAGE = 'name may hold letters, digits, spaces, _ . -';

// Formats, site and mode are checked by the service (422 CREDENTIAL_INVALID, with every
// problem listed); the DTOs only make sure the JSON types are right.

// The embedded emulator's sandbox application, which it knows without registering: the access
// token is checked live, so a made-up one would be refused (401 from GET /users/me).
@ApiBodyExample({
  name: 'brazil',
  site_id: 'MLB',
  mode: 'sandbox',
  public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
  access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
  webhook_secret: EMULATOR_DEFAULT_WEBHOOK_SECRET,
})
export class CreateCredentialDto {
  @ApiProperty({ example: 'brazil', description: 'Unique among live credentials' })
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: NAME_MESSAGE })
  name: string;

  @ApiProperty({ enum: SITE_IDS, description: "The Mercado Pago account's site (country)" })
  @IsString()
  site_id: string;

  @ApiProperty({
    enum: MODES,
    description:
      "sandbox takes TEST- values, production APP_USR- ones; a Mercado Pago test user's APP_USR- " +
      'values are stored as sandbox',
  })
  @IsString()
  mode: string;

  @ApiProperty({ example: 'TEST-d551379e-56a7-44a8-aaa9-2b82cfb4402c' })
  @IsString()
  public_key: string;

  @ApiProperty({
    description:
      'Checked live with Mercado Pago (GET /users/me), then stored sealed; never returned',
    example: 'TEST-7460314714765557-070214-e1b05214476fa3bfe5f0d0bf324868fa-543811213',
  })
  @IsString()
  access_token: string;

  @ApiPropertyOptional({
    description: 'Signs Mercado Pago notifications; stored sealed, never returned',
  })
  @IsOptional()
  @IsString()
  webhook_secret?: string;

  @ApiPropertyOptional({ default: false, description: 'Used when a call names no credentials' })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

@ApiBodyExample({ name: 'brazil-checkout' })
export class UpdateCredentialDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional({ description: 'Same mode prefix as the access token' })
  @IsOptional()
  @IsString()
  public_key?: string;

  @ApiPropertyOptional({
    description: 'true makes these the default (the previous one stops being)',
  })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

// Only the secret: a renewed access token is one Mercado Pago issues for the same account.
@ApiBodyExample({ webhook_secret: 'a-new-webhook-secret-from-mercado-pago' })
export class RotateCredentialDto {
  @ApiPropertyOptional({ description: 'The renewed access token (same Mercado Pago account)' })
  @IsOptional()
  @IsString()
  access_token?: string;

  @ApiPropertyOptional({
    description: 'The new webhook secret; the old one stays accepted during the overlap',
  })
  @IsOptional()
  @IsString()
  webhook_secret?: string;
}

export class CredentialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SITE_IDS }) site_id: string;
  @ApiProperty({ enum: MODES }) mode: string;
  @ApiProperty() public_key: string;
  @ApiProperty() is_default: boolean;
  @ApiProperty({ example: '3213', description: 'Last 4 characters of the access token' })
  access_token_hint: string;
  @ApiProperty({ format: 'date-time' }) access_token_set_at: string;
  @ApiProperty({ nullable: true, type: String, description: 'Last 4 characters, when one is set' })
  webhook_secret_hint: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  webhook_secret_set_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rotated_at: string | null;
  @ApiProperty({
    enum: ['active', 'invalid'],
    description:
      'invalid: Mercado Pago answered 401 to the access token; calls fail with CREDENTIAL_INVALID ' +
      'until rotate sets a new one',
  })
  status: 'active' | 'invalid';
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) invalid_at: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Mercado Pago's refusal, when invalid",
  })
  invalid_reason: string | null;
  @ApiProperty({
    description: 'The account is a Mercado Pago test user (APP_USR- values, fake money): sandbox',
  })
  test_user: boolean;

  static from(row: CredentialRow): CredentialDto {
    return {
      id: row.id,
      name: row.name,
      site_id: row.siteId,
      mode: row.mode,
      public_key: row.publicKey,
      is_default: row.isDefault,
      access_token_hint: row.accessTokenHint ?? '',
      access_token_set_at: row.accessTokenSetAt?.toISOString() ?? row.createdAt.toISOString(),
      webhook_secret_hint: row.webhookSecretHint,
      webhook_secret_set_at: row.webhookSecretSetAt?.toISOString() ?? null,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
      rotated_at: row.rotatedAt?.toISOString() ?? null,
      status: row.invalidAt ? 'invalid' : 'active',
      invalid_at: row.invalidAt?.toISOString() ?? null,
      invalid_reason: row.invalidReason,
      test_user: row.testUser,
    };
  }
}

export class CredentialListDto {
  @ApiProperty({ type: [CredentialDto] }) data: CredentialDto[];
}

export class PublicKeyDto {
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty() public_key: string;
  @ApiProperty({ enum: SITE_IDS }) site_id: string;
  @ApiProperty({ enum: MODES }) mode: string;

  static from(row: CredentialRow): PublicKeyDto {
    return {
      credential_id: row.id,
      public_key: row.publicKey,
      site_id: row.siteId,
      mode: row.mode,
    };
  }
}

export class CredentialAuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty({ enum: ['created', 'updated', 'rotated', 'deleted', 'resealed', 'invalidated'] })
  action: string;
  @ApiProperty({ description: 'The service token that acted, or "system"' }) actor_token_id: string;
  @ApiProperty() actor_name: string;
  @ApiProperty({ type: [String], description: 'Fields that changed (never their values)' })
  fields: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(row: CredentialAuditRow): CredentialAuditEntryDto {
    return {
      id: row.id,
      credential_id: row.credentialId,
      action: row.action,
      actor_token_id: row.actorTokenId,
      actor_name: row.actorName,
      fields: row.fields,
      created_at: row.createdAt.toISOString(),
    };
  }
}

export class CredentialAuditListDto {
  @ApiProperty({ type: [CredentialAuditEntryDto] }) data: CredentialAuditEntryDto[];
}
