import { Injectable } from '@nestjs/common';
import { CredentialChanges, CredentialsRepository } from './credentials.repository';
import { CredentialRow } from './credentials.schema';
import { SYSTEM_ACTOR } from './credentials.service';
import { SEALED_COLUMNS, SealedColumn, bindingOf, sealedIn } from './sealed-columns';
import { SecretBox } from './secret-box';

export interface ResealReport {
  resealed: number;
  unchanged: number;
  keyId: string;
}

/**
 * Moves every secret onto the current key (after CREDENTIALS_ENCRYPTION_KEY changed), and binds
 * values sealed before bindings existed to their row and column.
 */
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
    for (const column of Object.keys(SEALED_COLUMNS) as SealedColumn[]) {
      const sealed = sealedIn(row, column);
      if (!sealed) continue;
      const binding = bindingOf(row.id, column);
      const { secret, bound } = this.box.openBound(sealed, binding);
      if (bound && sealed.keyId === this.box.currentKeyId) continue;
      const [blobColumn, keyColumn, field] = SEALED_COLUMNS[column];
      const resealed = this.box.seal(secret, binding);
      changes[blobColumn] = resealed.blob;
      changes[keyColumn] = resealed.keyId;
      fields.push(field);
    }
    return { changes, fields };
  }
}
