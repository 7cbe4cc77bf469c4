import { WebhookSignatureValidator } from 'mercadopago';
import { Secret } from '../../common/secret';
import { buildManifest, sign, timestampMs, verifySignature } from './signature';

// The worked examples of the Mercado Pago fact sheet (§8), computed independently.
const SECRET = new Secret('your_secret_key_here');
const REQUEST_ID = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e';
const TS = '1742505638683';
const FULL = '5e0a7ed2ea5ece575e9d1a9bb80f7ce6ca43d6d30e8be93413bae108b94ad7cd';
const NO_REQUEST_ID = '8252dd570f9cf7d41cf479d25bb5cce292786116e80312c15600845054a55fe2';
const NO_DATA_ID = 'd69d974256f9e0bc92b7894e202b36a44a10f1f677e6db59a38c8695a37b65e4';
const ORDER_ID = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3';
const ORDER_REQUEST_ID = '2066ca19-c6f1-498a-be75-1923005edd06';
const ORDER_AS_RECEIVED = 'fb15ae6472eb449173c556793205d77787d58f384d183bb5bc3b724c27bd103c';
const ORDER_LOWER_CASED = '633f91233312dd391ec75fa0bea539cfc2d6c4918873305b84a96cc1c58db71c';

const header = (v1: string, ts = TS) => `ts=${ts},v1=${v1}`;

describe('webhook signature', () => {
  it('should build the manifest with a ; after every pair and drop missing pairs', () => {
    expect(buildManifest('123456', REQUEST_ID, TS)).toBe(
      `id:123456;request-id:${REQUEST_ID};ts:${TS};`,
    );
    expect(buildManifest('123456', undefined, TS)).toBe(`id:123456;ts:${TS};`);
    expect(buildManifest(undefined, REQUEST_ID, TS)).toBe(`request-id:${REQUEST_ID};ts:${TS};`);
  });

  it.each([
    ['all three values', '123456', REQUEST_ID, FULL],
    ['no x-request-id', '123456', undefined, NO_REQUEST_ID],
    ['no data.id', undefined, REQUEST_ID, NO_DATA_ID],
  ])('should reproduce the fact sheet example with %s', (_name, dataId, requestId, v1) => {
    expect(sign(SECRET.reveal(), buildManifest(dataId, requestId, TS))).toBe(v1);
    expect(verifySignature({ signature: header(v1), requestId, dataId }, [SECRET], 0)).toEqual({
      valid: true,
      secretIndex: 0,
    });
  });

  it('should accept an alphanumeric id signed as received or lower-cased', () => {
    for (const v1 of [ORDER_AS_RECEIVED, ORDER_LOWER_CASED]) {
      const request = { signature: header(v1), requestId: ORDER_REQUEST_ID, dataId: ORDER_ID };
      expect(verifySignature(request, [SECRET], 0).valid).toBe(true);
    }
  });

  it('should parse the header leniently: spaces, key order, unknown keys, upper-case hex', () => {
    const signature = ` v2=abc , v1 = ${FULL.toUpperCase()} , ts = ${TS} `;
    expect(
      verifySignature({ signature, requestId: REQUEST_ID, dataId: '123456' }, [SECRET], 0).valid,
    ).toBe(true);
  });

  it('should reject a missing, malformed or mismatching signature', () => {
    const request = { requestId: REQUEST_ID, dataId: '123456' };
    expect(verifySignature({ ...request, signature: undefined }, [SECRET], 0)).toEqual({
      valid: false,
      reason: 'missing_signature',
    });
    for (const signature of [`ts=${TS}`, `v1=${FULL}`, 'garbage', `ts=abc,v1=${FULL}`]) {
      expect(verifySignature({ ...request, signature }, [SECRET], 0)).toEqual({
        valid: false,
        reason: 'malformed_signature',
      });
    }
    const replayed = { ...request, dataId: '999999', signature: header(FULL) };
    expect(verifySignature(replayed, [SECRET], 0)).toEqual({ valid: false, reason: 'mismatch' });
    const wrongSecret = { ...request, signature: header(FULL) };
    expect(verifySignature(wrongSecret, [new Secret('other')], 0).valid).toBe(false);
    expect(verifySignature(wrongSecret, [], 0).valid).toBe(false);
  });

  it('should try the previous secret after the current one and say which matched', () => {
    const request = { signature: header(FULL), requestId: REQUEST_ID, dataId: '123456' };
    expect(verifySignature(request, [new Secret('new-secret'), SECRET], 0)).toEqual({
      valid: true,
      secretIndex: 1,
    });
  });

  it('should read ts in seconds or milliseconds when a tolerance is set', () => {
    expect(timestampMs('1742505638683')).toBe(1742505638683);
    expect(timestampMs('1742505638')).toBe(1742505638000);
    const now = 1742505638683 + 4000;
    for (const ts of ['1742505638683', '1742505638']) {
      const v1 = sign(SECRET.reveal(), buildManifest('123456', REQUEST_ID, ts));
      const request = { signature: header(v1, ts), requestId: REQUEST_ID, dataId: '123456' };
      expect(verifySignature(request, [SECRET], 10, now).valid).toBe(true);
      expect(verifySignature(request, [SECRET], 2, now)).toEqual({
        valid: false,
        reason: 'timestamp_out_of_tolerance',
      });
      expect(verifySignature(request, [SECRET], 0, now + 86_400_000).valid).toBe(true);
    }
  });

  it("should agree with the SDK's WebhookSignatureValidator", () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const v1 = sign(SECRET.reveal(), buildManifest('42', REQUEST_ID, ts));
    expect(() =>
      WebhookSignatureValidator.validate({
        xSignature: header(v1, ts),
        xRequestId: REQUEST_ID,
        dataId: '42',
        secret: SECRET.reveal(),
      }),
    ).not.toThrow();
    expect(
      verifySignature(
        { signature: header(v1, ts), requestId: REQUEST_ID, dataId: '42' },
        [SECRET],
        60,
      ).valid,
    ).toBe(true);
  });
});
