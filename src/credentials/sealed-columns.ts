import type { CredentialRow } from './credentials.schema';
import type { Sealed } from './secret-box';

/** Each sealed secret's blob and key-id columns, and the name it is bound to (and audited as). */
export const SEALED_COLUMNS = {
  accessToken: ['accessTokenSealed', 'accessTokenKeyId', 'access_token'],
  webhookSecret: ['webhookSecretSealed', 'webhookSecretKeyId', 'webhook_secret'],
  previousWebhookSecret: [
    'previousWebhookSecretSealed',
    'previousWebhookSecretKeyId',
    'previous_webhook_secret',
  ],
} as const;

export type SealedColumn = keyof typeof SEALED_COLUMNS;

/** The AES-GCM additional data of a secret: its row and column, so a copied blob does not open. */
export function bindingOf(rowId: string, column: SealedColumn): string {
  return `credentials/${rowId}/${SEALED_COLUMNS[column][2]}`;
}

export function sealedIn(row: CredentialRow, column: SealedColumn): Sealed | undefined {
  const [blobColumn, keyColumn] = SEALED_COLUMNS[column];
  const blob = row[blobColumn];
  const keyId = row[keyColumn];
  return blob && keyId ? { blob, keyId } : undefined;
}
