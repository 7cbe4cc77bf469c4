import { FactoryProvider, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Secret } from '../common/secret';
import { AppConfig } from '../config/app-config';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DEV_KEY_FILE = 'credentials.key';

export interface Sealed {
  blob: Buffer;
  keyId: string;
}

/** Names a key without revealing it, so each row records which key sealed it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** A row sealed under a key this process was not given (e.g. the previous key is missing). */
export class UnknownKeyError extends Error {
  constructor(readonly keyId: string) {
    super(
      `A secret is sealed under key ${keyId}, which is neither CREDENTIALS_ENCRYPTION_KEY nor ` +
        'CREDENTIALS_PREVIOUS_ENCRYPTION_KEY',
    );
  }
}

/** A sealed value that does not open where it is: copied from another row or column, or altered. */
export class SealedValueMismatchError extends Error {
  constructor(binding: string, options?: ErrorOptions) {
    super(`The sealed value in ${binding} does not belong there (copied or altered)`, options);
  }
}

function decrypt(key: Buffer, blob: Buffer, binding?: string): Secret {
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_BYTES));
  decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  if (binding !== undefined) decipher.setAAD(Buffer.from(binding, 'utf8'));
  const plain = Buffer.concat([
    decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
  return new Secret(plain.toString('utf8'));
}

/**
 * AES-256-GCM: a random 12-byte IV per value and the auth tag, stored as iv | tag | ciphertext,
 * with where the value lives as additional data.
 * Seals under the current key; opens under any known key, so rows sealed under the previous key
 * keep working until `npm run credentials:reseal` moves them.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(
    private readonly currentKey: Buffer,
    otherKeys: Buffer[] = [],
  ) {
    this.currentKeyId = keyIdOf(currentKey);
    for (const key of [currentKey, ...otherKeys]) this.keys.set(keyIdOf(key), key);
  }

  /** `binding` (AES-GCM additional data) names where the value lives, e.g. its row and column. */
  seal(secret: Secret, binding: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, iv);
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
    return { blob: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]), keyId: this.currentKeyId };
  }

  open(sealed: Sealed, binding: string): Secret {
    return this.openBound(sealed, binding).secret;
  }

  /**
   * Opens a value sealed for `binding`; one copied from elsewhere fails the tag. Values sealed
   * before bindings existed (no additional data) still open, with bound: false, until the
   * re-seal command binds them.
   */
  openBound(sealed: Sealed, binding: string): { secret: Secret; bound: boolean } {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new UnknownKeyError(sealed.keyId);
    try {
      return { secret: decrypt(key, sealed.blob, binding), bound: true };
    } catch (boundError) {
      try {
        return { secret: decrypt(key, sealed.blob), bound: false };
      } catch {
        throw new SealedValueMismatchError(binding, { cause: boundError });
      }
    }
  }

  /**
   * The configured key, or outside production (where config already refuses a missing key) a
   * development key generated once into DATA_DIR. A dev key left there stays known, so moving to
   * a real key is: set CREDENTIALS_ENCRYPTION_KEY, run the re-seal command.
   */
  static fromConfig(config: AppConfig, logger = new Logger('Credentials')): SecretBox {
    const devKeyPath = join(resolve(config.dataDir), DEV_KEY_FILE);
    const devKey = existsSync(devKeyPath) ? readDevKey(devKeyPath) : undefined;
    const others = [config.previousEncryptionKey, devKey].filter((k): k is Buffer => !!k);
    if (config.encryptionKey) return new SecretBox(config.encryptionKey, others);

    const key = devKey ?? createDevKey(devKeyPath);
    logger.warn(
      `CREDENTIALS_ENCRYPTION_KEY is unset: Mercado Pago secrets are sealed with the development ` +
        `key in ${devKeyPath}; set CREDENTIALS_ENCRYPTION_KEY (32 bytes, base64) for real use`,
    );
    return new SecretBox(key, others);
  }
}

function createDevKey(path: string): Buffer {
  const key = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx': never overwrite a key another process just wrote; what it sealed would be lost.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readDevKey(path);
    throw error;
  }
}

function readDevKey(path: string): Buffer {
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}

/** How the service and the re-seal command get their box. */
export const secretBoxProvider: FactoryProvider<SecretBox> = {
  provide: SecretBox,
  useFactory: (config: AppConfig) => SecretBox.fromConfig(config),
  inject: [AppConfig],
};
