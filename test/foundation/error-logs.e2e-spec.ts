import { sql } from 'drizzle-orm';
import { cardToken, paymentBody, postPayment } from '../support/payments';
import { TestApp, startTestApp } from '../support/test-app';

describe('What an unexpected error leaves in the log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('should log the failure’s classes and codes, never the card token or payer the query held', async () => {
    // Every new payment row now breaks a constraint: the insert fails with its parameters.
    await t.database.db.execute(
      sql`ALTER TABLE payments ADD CONSTRAINT refuse_new_rows CHECK (false) NOT VALID`,
    );
    const token = await cardToken(t);
    const res = await postPayment(
      t,
      paymentBody(token, { payer: { email: 'secret.buyer@example.com' } }),
    ).expect(500);

    expect(res.body.error).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'Unexpected error',
      request_id: res.headers['x-request-id'],
    });
    const logs = t.logs.join('\n');
    expect(logs).toContain('Unexpected error on POST /v1/payments: DrizzleQueryError');
    expect(logs).toContain('(23514)');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('secret.buyer');
    expect(logs).not.toContain('Failed query');
  });
});
