import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asRecord, type Json } from '../common/body.util';
import type { EmulatorContext } from '../emulator.context';
import { CHALLENGE_PATH } from '../services/payments.service';
import { CONTROL_PREFIX } from './control.routes';

const RESULT_PATH = `${CHALLENGE_PATH}/result`;

const escape = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:2rem;max-width:28rem}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}</style>
</head><body>${body}</body></html>`;
}

/** The form field (a front end posts `creq` into an iframe, as to a real ACS) or the query. */
function creqOf(request: FastifyRequest): unknown {
  return asRecord(request.body).creq ?? asRecord(request.query).creq;
}

function challengePage(ctx: EmulatorContext, creq: unknown): string {
  const payment = ctx.payments.byChallenge(creq).json;
  const button = (result: string, label: string) =>
    `<button type="submit" name="result" value="${result}">${label}</button>`;
  return page(
    '3DS challenge',
    `<h1>Emulated bank: 3DS challenge</h1>
<p>Payment <strong>${escape(payment.id)}</strong> of <strong>${escape(payment.transaction_amount)} ${escape(payment.currency_id)}</strong> asks the cardholder to confirm it.</p>
<form method="post" action="${RESULT_PATH}">
<input type="hidden" name="creq" value="${escape(creq)}">
${button('completed', 'Complete')}${button('failed', 'Fail')}
</form>`,
  );
}

/** Tells an embedding page (the iframe's parent) how the challenge ended. */
function resultPage(payment: Json): string {
  const message = JSON.stringify({
    type: 'mercadopago-emulator-3ds',
    payment_id: payment.id,
    status: payment.status,
    status_detail: payment.status_detail,
  }).replace(/</g, '\\u003c');
  return page(
    '3DS challenge done',
    `<h1>Challenge ${payment.status === 'approved' ? 'completed' : 'failed'}</h1>
<p>Payment ${escape(payment.id)} is ${escape(payment.status)} / ${escape(payment.status_detail)}.</p>
<script>window.parent !== window && window.parent.postMessage(${message}, '*');</script>`,
  );
}

const html = (reply: FastifyReply, text: string) =>
  reply.type('text/html; charset=utf-8').send(text);

/**
 * The issuer's side of a 3DS challenge: a tiny page at `three_ds_info.external_resource_url`
 * where a person (or a test) completes or fails it, and the same as a control call.
 */
export function registerThreeDsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(CHALLENGE_PATH, (request, reply) => html(reply, challengePage(ctx, creqOf(request))));
  app.post(CHALLENGE_PATH, (request, reply) => html(reply, challengePage(ctx, creqOf(request))));

  app.post(RESULT_PATH, (request, reply) => {
    const payment = ctx.payments.byChallenge(creqOf(request));
    const result = asRecord(request.body).result;
    return html(reply, resultPage(ctx.payments.completeChallenge(payment.id, result)));
  });

  app.post<{ Params: { id: string } }>(`${CONTROL_PREFIX}/payments/:id/3ds-challenge`, (request) =>
    ctx.payments.completeChallenge(Number(request.params.id), asRecord(request.body).result),
  );
}
