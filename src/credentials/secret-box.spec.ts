import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Secret } from '../common/secret';
import { loadConfig } from '../config/app-config';
import { sealUnbound } from '../../test/credentials/credentials.helper';
import {
  DEV_KEY_FILE,
  SealedValueMismatchError,
  SecretBox,
  UnknownKeyError,
  keyIdOf,
} from './secret-box';

const HERE = 'credentials/1/access_token';

describe('SecretBox', () => {
  const secret = new Secret('APP_USR-123-010203-abc-456');

  it('should open what it sealed, with a fresh IV each time', () => {
    const box = new SecretBox(randomBytes(32));
    const first = box.seal(secret, HERE);
    const second = box.seal(secret, HERE);
    expect(first.blob.equals(second.blob)).toBe(false);
    expect(first.blob.toString('latin1')).not.toContain(secret.reveal());
    expect(box.open(first, HERE).reveal()).toBe(secret.reveal());
  });

  it('should name keys by the first 8 hex characters of their SHA-256', () => {
    const key = Buffer.alloc(32, 1);
    expect(keyIdOf(key)).toBe('72cd6e84');
    expect(new SecretBox(key).seal(secret, HERE).keyId).toBe('72cd6e84');
  });

  it('should refuse a tampered blob and a key it does not hold', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal(secret, HERE);
    const tampered = Buffer.from(sealed.blob);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open({ ...sealed, blob: tampered }, HERE)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, HERE)).toThrow(UnknownKeyError);
  });

  it('should not open a value copied into another row or column', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal(secret, HERE);
    expect(() => box.open(sealed, 'credentials/2/access_token')).toThrow(SealedValueMismatchError);
    expect(() => box.open(sealed, 'credentials/1/webhook_secret')).toThrow(
      SealedValueMismatchError,
    );
  });

  it('should still open a value sealed before bindings existed, saying it is unbound', () => {
    const key = randomBytes(32);
    const box = new SecretBox(key);
    const legacy = { blob: sealUnbound(key, secret.reveal()), keyId: keyIdOf(key) };
    const opened = box.openBound(legacy, HERE);
    expect(opened.secret.reveal()).toBe(secret.reveal());
    expect(opened.bound).toBe(false);
    expect(box.openBound(box.seal(secret, HERE), HERE).bound).toBe(true);
  });

  it('should open values sealed under the previous key while sealing under the current one', () => {
    const previous = randomBytes(32);
    const sealed = new SecretBox(previous).seal(secret, HERE);
    const box = new SecretBox(randomBytes(32), [previous]);
    expect(box.open(sealed, HERE).reveal()).toBe(secret.reveal());
    expect(box.seal(secret, HERE).keyId).toBe(box.currentKeyId);
  });

  it('should generate a development key once, readable only by its owner, with a warning', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'secret-box-'));
    try {
      const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
      const warn = jest.fn();
      const logger = { warn } as unknown as Parameters<typeof SecretBox.fromConfig>[1];
      const first = SecretBox.fromConfig(config, logger);
      const path = join(dataDir, DEV_KEY_FILE);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY'));
      expect(warn.mock.calls.join('')).not.toContain(readFileSync(path, 'utf8').trim());
      const second = SecretBox.fromConfig(config, logger);
      expect(second.currentKeyId).toBe(first.currentKeyId);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
