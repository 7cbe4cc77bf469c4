import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Json } from '../support/payments';
import { TestApp, bearer } from '../support/test-app';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: Json;
}

/**
 * An internal service subscribed to our events: a real HTTP server on loopback that records what
 * it receives. `stop()` closes the port (connection refused), `start()` opens the same one again.
 */
export class Subscriber {
  readonly received: Received[] = [];
  /** What to answer; 200 unless a spec wants the subscriber to refuse. */
  status = 200;
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body, event: JSON.parse(body) });
        res.writeHead(this.status, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Events whose signature verifies with `secret`, per the reference implementation. */
  verified(secret: string): Json[] {
    const webhook = new Webhook(secret);
    return this.received.map((r) => webhook.verify(r.body, headersOf(r)));
  }

  of(paymentId: string): Json[] {
    return this.received.map((r) => r.event).filter((e: Json) => e.data?.id === paymentId);
  }
}

export function headersOf(received: Received): Record<string, string> {
  return {
    'webhook-id': String(received.headers['webhook-id']),
    'webhook-timestamp': String(received.headers['webhook-timestamp']),
    'webhook-signature': String(received.headers['webhook-signature']),
  };
}

export async function createEndpoint(t: TestApp, body: Record<string, unknown>): Promise<Json> {
  const res = await t.http().post('/v1/webhook-endpoints').set(bearer(t.adminToken)).send(body);
  if (res.status !== 201) throw new Error(`endpoint: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function listEvents(t: TestApp, query: Record<string, string>): Promise<Json[]> {
  const res = await t
    .http()
    .get('/v1/events')
    .query({ limit: '100', ...query })
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.data as Json[];
}

export async function listDeliveries(t: TestApp, endpointId: string): Promise<Json[]> {
  const res = await t
    .http()
    .get(`/v1/webhook-endpoints/${endpointId}/deliveries`)
    .query({ limit: '100' })
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.data as Json[];
}
