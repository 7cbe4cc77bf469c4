import { NotFoundError } from '../common/errors/domain-error';

/** Mercado Pago knows no card payment method for these digits on the credentials' site. */
export class CardBinNotFoundError extends NotFoundError {
  constructor(bin: string, siteId: string) {
    super(
      'CARD_BIN_NOT_FOUND',
      `Mercado Pago knows no card starting with ${bin} on site ${siteId}`,
    );
  }
}
