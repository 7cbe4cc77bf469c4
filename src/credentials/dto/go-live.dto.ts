import { ApiProperty } from '@nestjs/swagger';
import type { GoLiveCheck, GoLiveReport } from '../go-live/go-live.service';

export class GoLiveCheckDto {
  @ApiProperty({
    enum: [
      'production_credentials',
      'https_notification_url',
      'webhook_secret',
      'verified_notification',
      'approved_payment',
      'device_id_or_3ds',
      'credentials_valid',
    ],
  })
  id: string;
  @ApiProperty() title: string;
  @ApiProperty() passed: boolean;
  @ApiProperty({ description: 'What was found, or what to do to pass' }) detail: string;

  static from(check: GoLiveCheck): GoLiveCheckDto {
    return { ...check };
  }
}

export class GoLiveDto {
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty({ description: 'Every check passed' }) ready: boolean;
  @ApiProperty({ type: [GoLiveCheckDto] }) checks: GoLiveCheckDto[];

  static from(report: GoLiveReport): GoLiveDto {
    return {
      credential_id: report.credentialId,
      ready: report.ready,
      checks: report.checks.map((check) => GoLiveCheckDto.from(check)),
    };
  }
}
