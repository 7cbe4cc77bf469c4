import { randomUUID } from 'node:crypto';
import { Json } from '../support/payments';
import { TestApp, bearer } from '../support/test-app';

export const newEmail = () => `buyer-${randomUUID()}@testuser.com`;

/** POST /v1/customers as the admin, expecting `status`. */
export async function createCustomer(
  t: TestApp,
  body: Record<string, unknown>,
  status = 201,
): Promise<Json> {
  const res = await t.http().post('/v1/customers').set(bearer(t.adminToken)).send(body);
  if (res.status !== status) {
    throw new Error(`create customer: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export function findByEmail(t: TestApp, email: string) {
  return t
    .http()
    .get(`/v1/customers?email=${encodeURIComponent(email)}`)
    .set(bearer(t.adminToken));
}
