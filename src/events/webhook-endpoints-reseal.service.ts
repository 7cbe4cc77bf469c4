import { Injectable } from '@nestjs/common';
import { SecretBox } from '../credentials/secret-box';
import { SealedSecret, openEndpointSecret, sealEndpointSecret } from './endpoint-secrets';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** `npm run credentials:reseal` for the endpoints' signing secrets: each onto the current key. */
@Injectable()
export class WebhookEndpointsResealService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly box: SecretBox,
  ) {}

  async resealAll(): Promise<{ resealed: number; unchanged: number }> {
    const report = { resealed: 0, unchanged: 0 };
    for (const endpoint of await this.endpoints.list()) {
      const previous =
        endpoint.previousSecretSealed && endpoint.previousSecretKeyId
          ? { sealed: endpoint.previousSecretSealed, keyId: endpoint.previousSecretKeyId }
          : null;
      const current = { sealed: endpoint.secretSealed, keyId: endpoint.secretKeyId };
      if ([current, previous].every((s) => !s || s.keyId === this.box.currentKeyId)) {
        report.unchanged += 1;
        continue;
      }
      const move = (stored: SealedSecret) =>
        sealEndpointSecret(
          this.box,
          endpoint.id,
          openEndpointSecret(this.box, endpoint.id, stored),
        );
      const moved = await this.endpoints.reseal(
        endpoint,
        move(current),
        previous && move(previous),
      );
      report[moved ? 'resealed' : 'unchanged'] += 1;
    }
    return report;
  }
}
