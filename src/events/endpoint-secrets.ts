import type { Secret } from '../common/secret';
import type { SecretBox } from '../credentials/secret-box';

/** A signing secret as stored: base64 of the sealed blob, and the key that sealed it. */
export interface SealedSecret {
  sealed: string;
  keyId: string;
}

/**
 * The AES-GCM additional data of an endpoint's signing secrets: its row. Bound to the row only,
 * since a rotation moves the current secret into the previous one's column as it is.
 */
const bindingOf = (id: string) => `webhook_endpoints/${id}/signing_secret`;

export function sealEndpointSecret(box: SecretBox, id: string, secret: Secret): SealedSecret {
  const sealed = box.seal(secret, bindingOf(id));
  return { sealed: sealed.blob.toString('base64'), keyId: sealed.keyId };
}

export function openEndpointSecret(box: SecretBox, id: string, stored: SealedSecret): Secret {
  return box.open(
    { blob: Buffer.from(stored.sealed, 'base64'), keyId: stored.keyId },
    bindingOf(id),
  );
}
