import { randomUUID } from 'node:crypto';
import { createCustomer, newEmail } from '../customers/customers.helper';
import { createCredentials } from '../credentials/credentials.helper';
import { Subscriber, createEndpoint } from '../events/events.helper';
import { Json, cardToken, pay, postPayment } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** Routes taking a body that /docs shows no example for, and why; any other must have one. */
const WITHOUT_EXAMPLE: Record<string, string> = {
  'POST /v1/payments/{id}/refunds': 'no body refunds what is left; a prefilled amount would guess',
  'POST /v1/payments/{id}/capture': 'no body captures everything; a prefilled amount would guess',
  'POST /v1/events/{id}/redeliver': 'no body sends to every endpoint; endpoint_id must be yours',
  'POST /webhooks/mercadopago/{credential_id}': "Mercado Pago's notification, not for callers",
};

/** What the `{id}` of routes under each collection names, made fresh for each example. */
const RESOURCES: Record<string, (t: TestApp, subscriber: Subscriber) => Promise<string>> = {
  '/v1/payments': async (t) => (await pay(t)).id,
  '/v1/customers': async (t) => (await createCustomer(t, { email: newEmail() })).id,
  '/v1/credentials': async (t) => (await createCredentials(t, `docs-${randomUUID()}`)).id,
  '/v1/webhook-endpoints': async (t, s) => (await createEndpoint(t, { url: s.url })).id,
};

interface BodyExample {
  route: string;
  method: string;
  path: string;
  example: Json;
  headers: string[];
}

/** Every request-body example in the document: the media type's own, then its schema's. */
function bodyExamples(doc: Json): { examples: BodyExample[]; without: string[] } {
  const examples: BodyExample[] = [];
  const without: string[] = [];
  for (const [path, operations] of Object.entries<Json>(doc.paths)) {
    for (const [method, operation] of Object.entries<Json>(operations)) {
      if (!operation.requestBody) continue;
      const route = `${method.toUpperCase()} ${path}`;
      const media = operation.requestBody.content?.['application/json'] ?? {};
      const ref: string | undefined = media.schema?.$ref;
      const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : media.schema;
      const found = [
        ...('example' in media ? [media.example] : []),
        ...Object.values<Json>(media.examples ?? {}).map((e) => e.value),
        ...(schema && 'example' in schema ? [schema.example] : []),
      ];
      if (found.length === 0) without.push(route);
      const headers = (operation.parameters ?? [])
        .filter((p: Json) => p.in === 'header' && p.required)
        .map((p: Json) => p.name as string);
      for (const example of found) examples.push({ route, method, path, example, headers });
    }
  }
  return { examples, without };
}

describe('The examples in /docs', () => {
  let t: TestApp;
  let doc: Json;
  let subscriber: Subscriber;
  beforeAll(async () => {
    t = await startTestApp();
    subscriber = await new Subscriber().start();
    doc = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await t.close();
    await subscriber.stop();
  });

  /** The example's path with its resource made, or why it cannot be. */
  async function fill(path: string): Promise<string> {
    const param = path.indexOf('/{');
    if (param < 0) return path;
    const make = RESOURCES[path.slice(0, param)];
    const filled = make ? path.replace(/\{[^}]+\}/, await make(t, subscriber)) : path;
    if (filled.includes('{')) throw new Error(`no resource to fill ${path} (add it to RESOURCES)`);
    return filled;
  }

  async function send({ method, path, example, headers }: BodyExample) {
    // Card tokens are single use: the one thing a reader replaces.
    const body = 'token' in example ? { ...example, token: await cardToken(t) } : example;
    const req = t
      .http()
      [method as 'post'](await fill(path))
      .set(bearer(t.adminToken));
    // Required headers are ones like Idempotency-Key: any fresh value is what a reader sends.
    for (const header of headers) req.set(header, randomUUID());
    return req.send(body);
  }

  it('should give every route that takes a body an example, unless a reason says why not', () => {
    expect(bodyExamples(doc).without.sort()).toEqual(Object.keys(WITHOUT_EXAMPLE).sort());
  });

  it('should answer 2xx to every request-body example sent as shown', async () => {
    const { examples } = bodyExamples(doc);
    // Guards against finding none (then nothing would be sent and nothing refused).
    expect(examples.map((e) => e.route)).toContain('POST /v1/payments');
    const refused: string[] = [];
    for (const example of examples) {
      const res = await send(example).catch((e: Error) => ({ status: 0, body: e.message }));
      if (res.status < 200 || res.status > 299) {
        refused.push(`${example.route}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('should charge the create-payment example as shown, with only a fresh card token', async () => {
    const example = doc.components.schemas.PaymentCreateDto.example;
    const res = await postPayment(t, { ...example, token: await cardToken(t) }).expect(201);
    expect(res.body).toMatchObject({ status: 'approved', payment_method_id: 'master' });
  });

  it.each([
    ['/v1/payments/{id}/refunds', 'RefundCreateDto'],
    ['/v1/payments/{id}/capture', 'CaptureDto'],
  ])('should let %s go without a body and prefill no amount', (path, schema) => {
    expect(doc.paths[path].post.requestBody.required).toBe(false);
    expect(doc.components.schemas[schema].properties.amount.example).toBeUndefined();
    expect(doc.components.schemas[schema].example).toBeUndefined();
  });

  it('should document validation details as a list of fields with their messages', () => {
    const details = doc.components.schemas.ErrorDetail.properties.details;
    expect(details.oneOf[0]).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/FieldErrorBody' },
    });
  });
});
