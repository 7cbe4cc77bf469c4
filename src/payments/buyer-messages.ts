/**
 * What to tell the buyer for each status_detail, after Mercado Pago's response-handling guide
 * (see docs/mercadopago-api.md §3). Placeholders: {amount}, {payment_method}, {installments},
 * {statement_descriptor}.
 */
export interface BuyerMessage {
  es: string;
  pt: string;
  en: string;
}

const CANNOT_PROCESS: BuyerMessage = {
  es: 'No pudimos procesar tu pago.',
  pt: 'Não conseguimos processar seu pagamento.',
  en: "We couldn't process your payment.",
};

const IN_REVIEW: BuyerMessage = {
  es: 'Estamos procesando tu pago. En menos de 2 días hábiles te avisaremos por e-mail si se acreditó o si necesitamos más información.',
  pt: 'Estamos processando seu pagamento. Em até 2 dias úteis informaremos por e-mail se foi creditado ou se precisamos de mais informações.',
  en: "We're processing your payment. In less than 2 business days we'll tell you by e-mail whether it was credited or we need more information.",
};

const MESSAGES: Record<string, BuyerMessage> = {
  accredited: {
    es: '¡Listo! Se acreditó tu pago. En tu resumen verás el cargo de {amount} como {statement_descriptor}.',
    pt: 'Pronto! Seu pagamento foi aprovado. Na fatura você verá a cobrança de {amount} como {statement_descriptor}.',
    en: 'Done! Your payment was credited. Your statement will show the charge of {amount} as {statement_descriptor}.',
  },
  partially_refunded: {
    es: 'Tu pago tiene al menos una devolución parcial.',
    pt: 'Seu pagamento tem ao menos um reembolso parcial.',
    en: 'Your payment has at least one partial refund.',
  },
  pending_capture: {
    es: 'Tu pago de {amount} fue autorizado y está pendiente de captura.',
    pt: 'Seu pagamento de {amount} foi autorizado e aguarda captura.',
    en: 'Your payment of {amount} was authorized and is waiting to be captured.',
  },
  offline_process: {
    es: 'Estamos procesando tu pago fuera de línea. Te avisaremos el resultado.',
    pt: 'Estamos processando seu pagamento offline. Avisaremos o resultado.',
    en: "We're processing your payment offline. We'll let you know the result.",
  },
  pending_contingency: {
    es: 'Estamos procesando tu pago. No te preocupes, en menos de 2 días hábiles te avisaremos por e-mail si se acreditó.',
    pt: 'Estamos processando seu pagamento. Não se preocupe, em até 2 dias úteis informaremos por e-mail se foi creditado.',
    en: "We're processing your payment. Don't worry, in less than 2 business days we'll tell you by e-mail whether it was credited.",
  },
  pending_review_manual: IN_REVIEW,
  deferred_retry: {
    es: 'Tu pago será reintentado más tarde.',
    pt: 'Seu pagamento será tentado novamente mais tarde.',
    en: 'Your payment is scheduled to be retried later.',
  },
  pending_waiting_transfer: {
    es: 'Estamos esperando que completes la transferencia en tu banco.',
    pt: 'Estamos aguardando você concluir a transferência no seu banco.',
    en: "We're waiting for you to complete the transfer at your bank.",
  },
  pending_waiting_payment: {
    es: 'Estamos esperando que realices el pago.',
    pt: 'Estamos aguardando o seu pagamento.',
    en: "We're waiting for you to make the payment.",
  },
  pending_challenge: {
    es: 'Confirma el pago con tu banco para completarlo.',
    pt: 'Confirme o pagamento com seu banco para concluí-lo.',
    en: 'Confirm the payment with your bank to complete it.',
  },
  pending_provider_response: {
    es: 'Estamos esperando la respuesta del medio de pago.',
    pt: 'Estamos aguardando a resposta do meio de pagamento.',
    en: "We're waiting for the payment method's answer.",
  },
  expired: {
    es: 'El pago venció y fue cancelado.',
    pt: 'O pagamento expirou e foi cancelado.',
    en: 'The payment expired and was cancelled.',
  },
  by_collector: {
    es: 'El vendedor canceló el pago.',
    pt: 'O vendedor cancelou o pagamento.',
    en: 'The seller cancelled the payment.',
  },
  by_payer: {
    es: 'Cancelaste el pago.',
    pt: 'Você cancelou o pagamento.',
    en: 'You cancelled the payment.',
  },
  by_admin: {
    es: 'Un administrador canceló o devolvió el pago.',
    pt: 'Um administrador cancelou ou reembolsou o pagamento.',
    en: 'An administrator cancelled or refunded the payment.',
  },
  settled: {
    es: 'El dinero quedó retenido tras un contracargo.',
    pt: 'O dinheiro ficou retido após um estorno.',
    en: 'The money was retained after a chargeback.',
  },
  reimbursed: {
    es: 'El dinero fue devuelto tras un contracargo.',
    pt: 'O dinheiro foi devolvido após um estorno.',
    en: 'The money was given back after a chargeback.',
  },
  refunded: {
    es: 'El vendedor te devolvió el pago.',
    pt: 'O vendedor reembolsou seu pagamento.',
    en: 'The seller refunded your payment.',
  },
  bank_error: {
    es: 'La transferencia fue rechazada por un error del banco.',
    pt: 'A transferência foi recusada por um erro do banco.',
    en: 'The transfer was rejected because of a bank error.',
  },
  cc_rejected_3ds_challenge: {
    es: 'Tu pago fue rechazado porque no se pudo validar la autenticación con tu banco.',
    pt: 'Seu pagamento foi recusado porque a autenticação com seu banco não foi validada.',
    en: 'Your payment was rejected because the authentication with your bank failed.',
  },
  cc_rejected_3ds_mandatory: {
    es: 'Tu pago fue rechazado porque requiere autenticación con tu banco.',
    pt: 'Seu pagamento foi recusado porque exige autenticação com seu banco.',
    en: 'Your payment was rejected because it requires authentication with your bank.',
  },
  cc_rejected_bad_filled_card_number: {
    es: 'Revisa el número de tarjeta.',
    pt: 'Revise o número do cartão.',
    en: 'Check the card number.',
  },
  cc_rejected_bad_filled_date: {
    es: 'Revisa la fecha de vencimiento.',
    pt: 'Revise a data de vencimento.',
    en: 'Check the expiration date.',
  },
  cc_rejected_bad_filled_other: {
    es: 'Revisa los datos.',
    pt: 'Revise os dados.',
    en: 'Check the data.',
  },
  cc_rejected_bad_filled_security_code: {
    es: 'Revisa el código de seguridad de la tarjeta.',
    pt: 'Revise o código de segurança do cartão.',
    en: "Check the card's security code.",
  },
  cc_rejected_blacklist: CANNOT_PROCESS,
  cc_rejected_call_for_authorize: {
    es: 'Debes autorizar ante {payment_method} el pago de {amount}.',
    pt: 'Você deve autorizar com {payment_method} o pagamento de {amount}.',
    en: 'You must authorize the payment of {amount} with {payment_method}.',
  },
  cc_rejected_card_disabled: {
    es: 'Llama a {payment_method} para activar tu tarjeta o usa otro medio de pago. El teléfono está al dorso de tu tarjeta.',
    pt: 'Ligue para {payment_method} para ativar seu cartão ou use outro meio de pagamento. O telefone está no verso do cartão.',
    en: 'Call {payment_method} to activate your card or use another payment method. The phone number is on the back of your card.',
  },
  cc_rejected_card_error: CANNOT_PROCESS,
  cc_rejected_duplicated_payment: {
    es: 'Ya hiciste un pago por ese valor. Si necesitas volver a pagar, usa otra tarjeta u otro medio de pago.',
    pt: 'Você já fez um pagamento com esse valor. Se precisar pagar novamente, use outro cartão ou meio de pagamento.',
    en: 'You already made a payment for that amount. If you need to pay again, use another card or payment method.',
  },
  cc_rejected_high_risk: {
    es: 'Tu pago fue rechazado. Elige otro de los medios de pago, te recomendamos con medios en efectivo.',
    pt: 'Seu pagamento foi recusado. Escolha outro meio de pagamento; recomendamos meios em dinheiro.',
    en: 'Your payment was rejected. Choose another payment method; we recommend cash methods.',
  },
  cc_rejected_insufficient_amount: {
    es: 'Tu {payment_method} no tiene fondos suficientes.',
    pt: 'Seu {payment_method} não tem saldo suficiente.',
    en: 'Your {payment_method} has insufficient funds.',
  },
  cc_rejected_invalid_installments: {
    es: '{payment_method} no procesa pagos en {installments} cuotas.',
    pt: '{payment_method} não processa pagamentos em {installments} parcelas.',
    en: '{payment_method} does not process payments in {installments} installments.',
  },
  cc_rejected_max_attempts: {
    es: 'Llegaste al límite de intentos permitidos. Elige otra tarjeta u otro medio de pago.',
    pt: 'Você atingiu o limite de tentativas permitidas. Escolha outro cartão ou meio de pagamento.',
    en: 'You reached the limit of allowed attempts. Choose another card or payment method.',
  },
  cc_rejected_other_reason: {
    es: '{payment_method} no procesó el pago.',
    pt: '{payment_method} não processou o pagamento.',
    en: '{payment_method} did not process the payment.',
  },
  cc_amount_rate_limit_exceeded: {
    es: 'Superaste el límite de monto del medio de pago. Elige otro medio de pago.',
    pt: 'Você excedeu o limite de valor do meio de pagamento. Escolha outro meio de pagamento.',
    en: "You exceeded the payment method's amount limit. Choose another payment method.",
  },
  rejected_insufficient_data: {
    es: 'Tu pago fue rechazado porque falta información obligatoria.',
    pt: 'Seu pagamento foi recusado porque faltam informações obrigatórias.',
    en: 'Your payment was rejected because mandatory information is missing.',
  },
  rejected_by_bank: {
    es: 'Tu banco rechazó el pago.',
    pt: 'Seu banco recusou o pagamento.',
    en: 'Your bank rejected the payment.',
  },
  rejected_by_regulations: {
    es: 'El pago fue rechazado por regulaciones.',
    pt: 'O pagamento foi recusado por regulamentações.',
    en: 'The payment was rejected by regulations.',
  },
  insufficient_amount: {
    es: 'El monto es insuficiente.',
    pt: 'O valor é insuficiente.',
    en: 'The amount is insufficient.',
  },
  cc_rejected_card_type_not_allowed: {
    es: 'Tu tarjeta no tiene habilitada la función de crédito. Usa otra tarjeta u otro medio de pago.',
    pt: 'A função crédito do seu cartão não está habilitada. Use outro cartão ou meio de pagamento.',
    en: 'The credit function of your card is not enabled. Use another card or payment method.',
  },
};

/** For a status_detail we have no text for: generic by status, never empty. */
const BY_STATUS: Record<string, BuyerMessage> = {
  approved: MESSAGES.accredited,
  rejected: CANNOT_PROCESS,
  in_process: IN_REVIEW,
  pending: MESSAGES.pending_waiting_payment,
  submitting: {
    es: 'Estamos procesando tu pago.',
    pt: 'Estamos processando seu pagamento.',
    en: "We're processing your payment.",
  },
  failed: CANNOT_PROCESS,
  abandoned: {
    es: 'No pudimos confirmar tu pago y no se te cobró. Inténtalo de nuevo.',
    pt: 'Não conseguimos confirmar seu pagamento e você não foi cobrado. Tente novamente.',
    en: "We couldn't confirm your payment and you were not charged. Please try again.",
  },
};

/** Statuses whose status_detail means something else than the same word under another status. */
const STATUS_SCOPED: Record<string, Record<string, BuyerMessage>> = {
  charged_back: {
    in_process: {
      es: 'Se inició un contracargo sobre este pago.',
      pt: 'Um estorno foi iniciado para este pagamento.',
      en: 'A chargeback on this payment is being processed.',
    },
  },
};

const PAYMENT_METHOD_NAMES: Record<string, string> = {
  visa: 'Visa',
  master: 'Mastercard',
  amex: 'American Express',
  elo: 'Elo',
  hipercard: 'Hipercard',
  cabal: 'Cabal',
  naranja: 'Naranja',
  diners: 'Diners',
  debvisa: 'Visa Débito',
  debmaster: 'Mastercard Débito',
  debelo: 'Elo Débito',
  maestro: 'Maestro',
};

export interface MessageContext {
  status: string;
  statusDetail: string | null;
  /** Amount as a decimal string in major units, with its currency. */
  amount: string;
  currency: string;
  paymentMethodId: string;
  installments: number;
  statementDescriptor: string | null;
}

const LOCALES = { es: 'es-AR', pt: 'pt-BR', en: 'en-US' } as const;

const formatters = new Map<string, Intl.NumberFormat>();

function formatAmount(amount: string, currency: string, locale: string): string {
  const id = `${locale}:${currency}`;
  let formatter = formatters.get(id);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    });
    formatters.set(id, formatter);
  }
  // Intl formats the decimal string exactly (no float conversion).
  return formatter.format(amount as unknown as number);
}

export function buyerMessage(context: MessageContext): BuyerMessage {
  const detail = context.statusDetail ?? '';
  const template =
    STATUS_SCOPED[context.status]?.[detail] ??
    MESSAGES[detail] ??
    BY_STATUS[context.status] ??
    CANNOT_PROCESS;
  const method = PAYMENT_METHOD_NAMES[context.paymentMethodId] ?? context.paymentMethodId;
  // Formatting money is the costly part: only for the messages that show it.
  const fill = (text: string, locale: string) =>
    (text.includes('{amount}')
      ? text.replaceAll('{amount}', formatAmount(context.amount, context.currency, locale))
      : text
    )
      .replaceAll('{payment_method}', method)
      .replaceAll('{installments}', String(context.installments))
      .replaceAll('{statement_descriptor}', context.statementDescriptor ?? 'Mercado Pago');
  return {
    es: fill(template.es, LOCALES.es),
    pt: fill(template.pt, LOCALES.pt),
    en: fill(template.en, LOCALES.en),
  };
}
