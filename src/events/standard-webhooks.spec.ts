import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../config/app-config';
import { eventIdOf, newSigningSecret, signatureHeader, uuidOfEventId } from './standard-webhooks';

describe('Standard Webhooks signing, as the reference implementation verifies it', () => {
  it('should sign id.timestamp.body so that standardwebhooks verifies it, with either secret', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const body = JSON.stringify({ id: 'evt_1', type: 'ping', data: { a: 'ñ' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([current, previous], 'evt_1', timestamp, body),
    };
    expect(new Webhook(current.reveal()).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous.reveal()).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSigningSecret().reveal()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current.reveal()).verify(`${body} `, headers)).toThrow();
  });

  it('should turn outbox ids into evt_ ids and back, and refuse anything else', () => {
    const uuid = '3f2b8c1e-9a4b-4c0e-8d2f-0a1b2c3d4e5f';
    expect(eventIdOf(uuid)).toBe('evt_3f2b8c1e9a4b4c0e8d2f0a1b2c3d4e5f');
    expect(uuidOfEventId(eventIdOf(uuid))).toBe(uuid);
    expect(uuidOfEventId(uuid)).toBeUndefined();
    expect(uuidOfEventId('evt_3F2B8C1E9A4B4C0E8D2F0A1B2C3D4E5F')).toBeUndefined();
  });
});

describe('Event delivery settings', () => {
  const key = Buffer.alloc(32, 1).toString('base64');

  it('should default to about a day of retries, and refuse plain http in production only', () => {
    expect(loadConfig({}).events).toMatchObject({
      retryScheduleSeconds: [5, 300, 1800, 7200, 18_000, 36_000, 36_000],
      allowHttp: true,
    });
    const production = { NODE_ENV: 'production', CREDENTIALS_ENCRYPTION_KEY: key };
    expect(loadConfig(production).events.allowHttp).toBe(false);
    expect(loadConfig({ ...production, EVENT_ENDPOINT_ALLOW_HTTP: 'true' }).events.allowHttp).toBe(
      true,
    );
  });

  it('should stop at start with one line naming a bad setting', () => {
    expect(() => loadConfig({ EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS: '5,soon' })).toThrow(
      /^Invalid setting EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS: /,
    );
    expect(() => loadConfig({ EVENT_ENDPOINT_ALLOW_HTTP: 'maybe' })).toThrow(
      /^Invalid setting EVENT_ENDPOINT_ALLOW_HTTP/,
    );
  });
});
