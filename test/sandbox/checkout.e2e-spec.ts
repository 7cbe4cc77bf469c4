import { randomBytes } from 'node:crypto';
import type { Page, Request } from 'playwright-core';
import { Browser, launchBrowser, screenshot } from '../support/browser';
import {
  Json,
  MLB_MASTER,
  MLB_VISA,
  cardToken,
  emulator,
  emulatorUrl,
  paymentBody,
} from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createBody, registerAccount } from '../credentials/credentials.helper';

const SHOTS = 'sandbox-checkout';
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

describe('Sandbox checkout page', () => {
  let t: TestApp;
  let browser: Browser;
  /** Every request the page sent to this service, body included. */
  let toService: { url: string; body: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(): Promise<Page> {
    toService = [];
    const page = await browser.context.newPage();
    page.on('request', (request: Request) => {
      if (request.url().startsWith(t.url)) {
        toService.push({ url: request.url(), body: request.postData() ?? '' });
      }
    });
    await page.goto(`${t.url}/sandbox/checkout`);
    await page.locator('#pay:enabled').waitFor();
    return page;
  }

  async function pay(page: Page, outcome: string, card = MLB_MASTER): Promise<string> {
    await page.selectOption('#card', card);
    await page.locator('#pay:enabled').waitFor();
    await page.selectOption('#outcome', outcome);
    await page.click('#pay');
    return paid(page);
  }

  async function paid(page: Page): Promise<string> {
    await page.locator('#history li, #error:not(:empty)').first().waitFor();
    expect(await page.textContent('#error')).toBe('');
    return (await page.textContent('#payment-id')) ?? '';
  }

  const reached = (page: Page, status: string) =>
    page.locator(`#history li[data-status="${status}"]`).waitFor();

  const ours = async (id: string): Promise<Json> =>
    (await t.http().get(`/v1/payments/${id}`).set(bearer(t.adminToken)).expect(200)).body;

  it('should approve a test card and show the buyer message', async () => {
    const page = await open();
    // The installments the service's lookups offer for this card and amount.
    await page.fill('#amount', '120');
    await page.dispatchEvent('#amount', 'change');
    await page
      .locator('#installments option[value="3"]', { hasText: '120' })
      .waitFor({ state: 'attached' });
    await page.locator('#pay:enabled').waitFor();
    await page.selectOption('#installments', '3');
    await page.selectOption('#outcome', 'APRO');
    await page.click('#pay');
    const id = await paid(page);
    await reached(page, 'approved');
    expect(await page.textContent('#status')).toBe('approved');
    expect(await page.textContent('#status-detail')).toBe('accredited');
    expect(await page.textContent('#buyer-message')).toContain('aprovado');
    expect(await ours(id)).toMatchObject({
      status: 'approved',
      transaction_amount: 120,
      installments: 3,
      payment_method_id: 'master',
      card: { last_four_digits: MLB_MASTER.slice(-4) },
    });
    await screenshot(page, SHOTS, 'approved');
    await page.close();
  });

  it('should show a declined card with its status detail', async () => {
    const page = await open();
    const id = await pay(page, 'OTHE', MLB_VISA);
    await reached(page, 'rejected');
    expect(await page.textContent('#status-detail')).toBe('cc_rejected_other_reason');
    expect(await page.textContent('#buyer-message')).not.toBe('');
    expect(await ours(id)).toMatchObject({ status: 'rejected', payment_method_id: 'visa' });
    await screenshot(page, SHOTS, 'declined');
    await page.close();
  });

  it('should show an in-process payment, then its approval when Mercado Pago notifies it', async () => {
    const page = await open();
    const id = await pay(page, 'CONT');
    await reached(page, 'in_process');
    expect(await page.textContent('#status-detail')).toBe('pending_contingency');
    await screenshot(page, SHOTS, 'in-process');

    const { mercadopago_id } = await ours(id);
    const moved = await emulator(t, 'POST', `/__emulator/payments/${mercadopago_id}/transition`, {
      status: 'approved',
    });
    expect(moved.status).toBe(200);
    await reached(page, 'approved');
    const steps = await page
      .locator('#history li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
    expect(steps).toEqual(['in_process', 'approved']);
    await screenshot(page, SHOTS, 'in-process-then-approved');
    await page.close();
  });

  async function challenged(page: Page): Promise<string> {
    const id = await pay(page, 'CHAL');
    expect(await page.inputValue('#three-ds')).toBe('optional');
    await reached(page, 'pending');
    expect(await page.textContent('#status-detail')).toBe('pending_challenge');
    expect(await ours(id)).toMatchObject({
      status: 'pending',
      three_ds_info: { external_resource_url: expect.any(String), creq: expect.any(String) },
    });
    await page.frameLocator('#challenge iframe').locator('button[value="completed"]').waitFor();
    return id;
  }

  it('should run the 3DS challenge the issuer asks for, then show the approval', async () => {
    const page = await open();
    const id = await challenged(page);
    await screenshot(page, SHOTS, '3ds-challenge');
    await page.frameLocator('#challenge iframe').locator('button[value="completed"]').click();
    await reached(page, 'approved');
    expect(await page.isHidden('#challenge')).toBe(true);
    expect((await ours(id)).status).toBe('approved');
    await screenshot(page, SHOTS, '3ds-passed');
    await page.close();
  });

  it('should show the rejection when the 3DS challenge fails', async () => {
    const page = await open();
    const id = await challenged(page);
    await page.frameLocator('#challenge iframe').locator('button[value="failed"]').click();
    await reached(page, 'rejected');
    expect(await page.textContent('#status-detail')).toBe('cc_rejected_3ds_challenge');
    expect((await ours(id)).status_detail).toBe('cc_rejected_3ds_challenge');
    await screenshot(page, SHOTS, '3ds-failed');
    await page.close();
  });

  it('should never send card data to this service: only the card token', async () => {
    const page = await open();
    const id = await pay(page, 'APRO');
    await reached(page, 'approved');
    await page.close();

    const pays = toService.filter((r) => r.url.endsWith('/sandbox/checkout/pay'));
    expect(pays).toHaveLength(1);
    expect(Object.keys(JSON.parse(pays[0].body)).sort()).toEqual([
      'installments',
      'issuer_id',
      'payer',
      'payment_method_id',
      'token',
      'transaction_amount',
    ]);
    const sent = toService.map((r) => `${r.url}\n${r.body}`).join('\n');
    expect(sent).not.toContain(MLB_MASTER);
    expect(sent).not.toContain('"security_code"');
    expect(t.logs.join('\n')).not.toContain(MLB_MASTER);
    // Mercado Pago (the emulator) is where the number went, with the public key.
    const tokens = await emulator(t, 'GET', '/__emulator/requests?path=/v1/card_tokens');
    expect(JSON.stringify(tokens.body)).toContain(MLB_MASTER);
    expect((await ours(id)).card.first_six_digits).toBe(MLB_MASTER.slice(0, 6));
  });

  it('should show only what the page made, without a service token', async () => {
    const other = await t
      .http()
      .post('/v1/payments')
      .set(bearer(t.adminToken))
      .set('idempotency-key', randomBytes(8).toString('hex'))
      .send(paymentBody(await cardToken(t)))
      .expect(201);
    const hidden = await t.http().get(`/sandbox/checkout/payments/${other.body.id}`).expect(404);
    expect(hidden.body.error.code).toBe('REQUEST_ROUTE_NOT_FOUND');

    const config = await t.http().get('/sandbox/checkout/config').expect(200);
    expect(config.body).toEqual({
      credential_id: expect.any(String),
      site_id: 'MLB',
      public_key: expect.stringMatching(/^TEST-/),
      mercadopago_js_url: `${emulatorUrl(t)}/js/v2`,
    });
    const missingKey = await t
      .http()
      .post('/sandbox/checkout/pay')
      .send(paymentBody(await cardToken(t)))
      .expect(400);
    expect(missingKey.body.error.code).toBe('IDEMPOTENCY_KEY_MISSING');
  });

  it('should not exist for production credentials', async () => {
    const live = await registerAccount(t, { prefix: 'APP_USR' });
    const created = await t
      .http()
      .post('/v1/credentials')
      .set(bearer(t.adminToken))
      .send(createBody(live, 'live-for-sandbox-page'))
      .expect(201);
    const id = created.body.id as string;
    const config = await t.http().get(`/sandbox/checkout/config?credential_id=${id}`).expect(404);
    expect(config.body.error.code).toBe('REQUEST_ROUTE_NOT_FOUND');
    await t
      .http()
      .post('/sandbox/checkout/pay')
      .set('idempotency-key', 'sandbox-live-1')
      .send(paymentBody('ff'.repeat(16), { credential_id: id }))
      .expect(404);
  });

  it('should not exist when the service runs in production', async () => {
    const production = await startTestApp({
      env: {
        NODE_ENV: 'production',
        MERCADOPAGO_API_URL: emulatorUrl(t),
        CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
    });
    try {
      for (const path of ['', '/checkout.js', '/config', `/payments/${ZERO_UUID}`]) {
        const res = await production.http().get(`/sandbox/checkout${path}`).expect(404);
        expect([path, res.body.error.code]).toEqual([path, 'REQUEST_ROUTE_NOT_FOUND']);
      }
      await production.http().post('/sandbox/checkout/pay').send({}).expect(404);
    } finally {
      await production.close();
    }
  });
});
