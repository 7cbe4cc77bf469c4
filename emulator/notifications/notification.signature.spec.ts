import { WebhookSignatureValidator } from 'mercadopago';
import { buildManifest, signManifest, signatureHeader } from './notification.signature';

const SECRET = 'your_secret_key_here';
const REQUEST_ID = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e';
const TS = '1742505638683';

function validateWithSdk(header: string): void {
  WebhookSignatureValidator.validate({
    xSignature: header,
    xRequestId: REQUEST_ID,
    dataId: '123456',
    secret: SECRET,
  });
}

describe('notification signature (fact sheet §8 worked examples)', () => {
  it('should build the manifest with a literal ; after every pair', () => {
    expect(buildManifest('123456', REQUEST_ID, TS)).toBe(
      'id:123456;request-id:bb56a2f1-6aae-46ac-982e-9dcd3581d08e;ts:1742505638683;',
    );
  });

  it('should sign the full manifest as in the worked example', () => {
    expect(signManifest(SECRET, buildManifest('123456', REQUEST_ID, TS))).toBe(
      '5e0a7ed2ea5ece575e9d1a9bb80f7ce6ca43d6d30e8be93413bae108b94ad7cd',
    );
  });

  it('should drop the request-id pair when the header is missing', () => {
    expect(buildManifest('123456', undefined, TS)).toBe('id:123456;ts:1742505638683;');
    expect(signManifest(SECRET, buildManifest('123456', undefined, TS))).toBe(
      '8252dd570f9cf7d41cf479d25bb5cce292786116e80312c15600845054a55fe2',
    );
  });

  it('should drop the id pair when data.id is missing', () => {
    expect(signManifest(SECRET, buildManifest(undefined, REQUEST_ID, TS))).toBe(
      'd69d974256f9e0bc92b7894e202b36a44a10f1f677e6db59a38c8695a37b65e4',
    );
  });

  it('should keep the case of an alphanumeric data.id, as the SDKs do since June 2026', () => {
    const requestId = '2066ca19-c6f1-498a-be75-1923005edd06';
    expect(
      signManifest(SECRET, buildManifest('ORD01JQ4S4KY8HWQ6NA5PXB65B3D3', requestId, TS)),
    ).toBe('fb15ae6472eb449173c556793205d77787d58f384d183bb5bc3b724c27bd103c');
    expect(
      signManifest(SECRET, buildManifest('ord01jq4s4ky8hwq6na5pxb65b3d3', requestId, TS)),
    ).toBe('633f91233312dd391ec75fa0bea539cfc2d6c4918873305b84a96cc1c58db71c');
  });

  it('should produce a header the official SDK validator accepts', () => {
    const header = signatureHeader(SECRET, '123456', REQUEST_ID, TS);
    expect(header).toBe(
      `ts=${TS},v1=5e0a7ed2ea5ece575e9d1a9bb80f7ce6ca43d6d30e8be93413bae108b94ad7cd`,
    );
    expect(() => validateWithSdk(header)).not.toThrow();
  });

  it('should produce a header the official SDK validator rejects with another secret', () => {
    const header = signatureHeader('another-secret', '123456', REQUEST_ID, TS);
    expect(() => validateWithSdk(header)).toThrow('SignatureMismatch');
  });
});
