import { Injectable } from '@nestjs/common';
import { MercadoPagoConfig } from 'mercadopago';
import { GatewayUnauthorizedError } from '../common/errors/gateway-errors';
import type { Secret } from '../common/secret';
import { AccessTokenRefusals } from '../credentials/access-token-refusals.port';
import { sdkConfig, toGatewayError } from './mercadopago-sdk';

/**
 * Every SDK call made with stored credentials goes through here: a new config per call, the SDK's
 * errors mapped to ours, and a 401 reported (the credentials marked invalid) before it is thrown.
 */
@Injectable()
export class SdkCalls {
  constructor(private readonly refusals: AccessTokenRefusals) {}

  async run<Answer, T>(
    accessToken: Secret,
    action: string,
    work: (config: MercadoPagoConfig) => Promise<Answer>,
    read: (answer: Answer) => T,
  ): Promise<T> {
    try {
      return read(await work(sdkConfig(accessToken)));
    } catch (error) {
      const mapped = toGatewayError(error, action);
      if (mapped instanceof GatewayUnauthorizedError) {
        await this.refusals.refused(accessToken, `${mapped.message} (HTTP 401)`);
      }
      throw mapped;
    }
  }
}
