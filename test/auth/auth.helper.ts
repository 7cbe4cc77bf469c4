import { TestApp, bearer } from '../support/test-app';

export interface CreatedToken {
  id: string;
  token: string;
  credential_ids: string[] | null;
}

/** A service token made through the API by the app's admin token. */
export async function createToken(
  t: TestApp,
  scopes: string[],
  credentialIds?: string[],
): Promise<CreatedToken> {
  const res = await t
    .http()
    .post('/v1/tokens')
    .set(bearer(t.adminToken))
    .send({ name: 'caller', scopes, credential_ids: credentialIds })
    .expect(201);
  return res.body as CreatedToken;
}
