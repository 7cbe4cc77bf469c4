import { createHmac, randomBytes } from 'node:crypto';
import { Secret } from '../common/secret';

/** Standard Webhooks secrets: `whsec_` + base64 of the signing key (the spec asks 24–64 bytes). */
const PREFIX = 'whsec_';

export function newSigningSecret(): Secret {
  return new Secret(`${PREFIX}${randomBytes(32).toString('base64')}`);
}

/**
 * The `webhook-signature` header: one `v1,<base64 HMAC-SHA256 of id.timestamp.body>` per secret,
 * space-separated, so during a rotation both the new and the previous secret verify.
 */
export function signatureHeader(
  secrets: Secret[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.reveal().slice(PREFIX.length), 'base64');
      const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`);
      return `v1,${mac.digest('base64')}`;
    })
    .join(' ');
}

/** Our outbox ids are uuids; the event id callers see is `evt_` + its 32 hex digits. */
export const eventIdOf = (uuid: string) => `evt_${uuid.replaceAll('-', '')}`;

/** The uuid behind an `evt_…` id, or undefined when it is not one of ours. */
export function uuidOfEventId(eventId: string): string | undefined {
  const match = /^evt_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(
    eventId,
  );
  return match ? match.slice(1).join('-') : undefined;
}
