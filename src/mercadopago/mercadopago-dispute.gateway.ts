import { Injectable } from '@nestjs/common';
import { Chargeback } from 'mercadopago';
import { Secret } from '../common/secret';
import { DisputeGateway, GatewayChargeback } from '../disputes/dispute-gateway.port';
import { toGatewayChargeback } from './mercadopago-chargeback.mapper';
import { SdkCalls } from './sdk-calls';

/** DisputeGateway on the SDK's Chargeback client. */
@Injectable()
export class MercadoPagoDisputeGateway extends DisputeGateway {
  constructor(private readonly sdk: SdkCalls) {
    super();
  }

  getChargeback(accessToken: Secret, id: string): Promise<GatewayChargeback> {
    return this.sdk.run(
      accessToken,
      'get chargeback',
      (config) => new Chargeback(config).get({ id }),
      toGatewayChargeback,
    );
  }
}
