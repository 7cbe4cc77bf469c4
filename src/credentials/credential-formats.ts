import type { Secret } from '../common/secret';
import type { CredentialProblem } from './credentials.errors';
import { SITE_IDS, isSiteId } from './sites';

export const MODES = ['sandbox', 'production'] as const;
export type Mode = (typeof MODES)[number];

// Mercado Pago's shapes (fact sheet §10): `TEST-` values only work in sandbox, `APP_USR-` ones
// are production (a test user's too: the live check then stores them as sandbox). Messages name
// the field and the rule, never the value.
const ACCESS_TOKEN = /^(APP_USR|TEST)-\d+-\d{6}-[0-9a-f]{32}-\d+$/i;
const PUBLIC_KEY = /^(APP_USR|TEST)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WEBHOOK_SECRET = /^\S{8,256}$/;

/** The mode a credential value's prefix commits it to. */
export function modeOf(value: string): Mode | undefined {
  if (value.startsWith('TEST-')) return 'sandbox';
  if (value.startsWith('APP_USR-')) return 'production';
  return undefined;
}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

export interface CredentialValues {
  siteId?: string;
  mode?: string;
  publicKey?: string;
  accessToken?: Secret;
  webhookSecret?: Secret;
}

/** Every problem at once, so a caller fixes them in one go. Only the given fields are checked. */
export function credentialProblems(values: CredentialValues): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  const { siteId, mode, publicKey, accessToken, webhookSecret } = values;
  if (siteId !== undefined && !isSiteId(siteId)) {
    problems.push({ field: 'site_id', message: `must be one of ${SITE_IDS.join(', ')}` });
  }
  if (mode !== undefined && !isMode(mode)) {
    problems.push({ field: 'mode', message: 'must be sandbox or production' });
  }
  const expected = mode !== undefined && isMode(mode) ? mode : undefined;
  const shaped = (field: string, value: string, pattern: RegExp, shape: string) => {
    if (!pattern.test(value)) {
      problems.push({ field, message: `must look like ${shape}` });
    } else if (expected && modeOf(value) !== expected) {
      const prefix = expected === 'sandbox' ? 'TEST-' : 'APP_USR-';
      problems.push({ field, message: `must start with ${prefix} for ${expected} credentials` });
    }
  };
  if (publicKey !== undefined) {
    shaped('public_key', publicKey, PUBLIC_KEY, 'APP_USR-<uuid> or TEST-<uuid>');
  }
  if (accessToken !== undefined) {
    shaped(
      'access_token',
      accessToken.reveal(),
      ACCESS_TOKEN,
      'APP_USR-<digits>-<MMddHH>-<32 hex>-<user id> (or TEST-…)',
    );
  }
  if (webhookSecret !== undefined && !WEBHOOK_SECRET.test(webhookSecret.reveal())) {
    problems.push({ field: 'webhook_secret', message: 'must be 8 to 256 characters, no spaces' });
  }
  return problems;
}
