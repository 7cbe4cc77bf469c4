import { Injectable } from '@nestjs/common';
import { CredentialChanges, CredentialsRepository } from './credentials.repository';
import { CredentialRow } from './credentials.schema';
import { SYSTEM_ACTOR } from './credentials.service';
import { SecretBox } from './secret-box';

/** The sealed columns of a row, with the name the audit log gives each. */
const SEALED = [
  ['accessTokenSealed', 'accessTokenKeyId', 'access_token'],
  ['webhookSecretSealed', 'webhookSecretKeyId', 'webhook_secret'],
  ['previousWebhookSecretSealed', 'previousWebhookSecretKeyId', 'previous_webhook_secret'],
] as const;

export interface ResealReport {
  resealed: number;
  unchanged: number;
  keyId: string;
}

/** Moves every secret onto the current key (after CREDENTIALS_ENCRYPTION_KEY changed). */
@Injectable()
export class CredentialsResealService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly box: SecretBox,
  ) {}

  /** One short transaction per row, so a stop half-way leaves every row readable. */
  async resealAll(): Promise<ResealReport> {
    const report: ResealReport = { resealed: 0, unchanged: 0, keyId: this.box.currentKeyId };
    // Deleted rows hold no secrets, so live ones are all there is to move.
    for (const { id } of await this.credentials.listLive()) {
      const moved = await this.credentials.transaction(async (tx) => {
        const row = await this.credentials.lockLive(id, tx);
        if (!row) return false;
        const { changes, fields } = this.resealed(row);
        if (fields.length === 0) return false;
        await this.credentials.update(id, changes, tx);
        await this.credentials.insertAudit(
          {
            credentialId: id,
            action: 'resealed',
            actorTokenId: SYSTEM_ACTOR.tokenId,
            actorName: SYSTEM_ACTOR.name,
            fields,
          },
          tx,
        );
        return true;
      });
      report[moved ? 'resealed' : 'unchanged'] += 1;
    }
    return report;
  }

  private resealed(row: CredentialRow): { changes: CredentialChanges; fields: string[] } {
    const changes: CredentialChanges = {};
    const fields: string[] = [];
    for (const [blobColumn, keyColumn, field] of SEALED) {
      const blob = row[blobColumn];
      const keyId = row[keyColumn];
      if (!blob || !keyId || keyId === this.box.currentKeyId) continue;
      const sealed = this.box.seal(this.box.open({ blob, keyId }));
      changes[blobColumn] = sealed.blob;
      changes[keyColumn] = sealed.keyId;
      fields.push(field);
    }
    return { changes, fields };
  }
}
