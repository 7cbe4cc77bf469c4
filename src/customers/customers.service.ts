import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Principal, mayUseCredentials } from '../auth/principal';
import { GatewayNotFoundError } from '../common/errors/gateway-errors';
import { CredentialsService, UsableCredentials } from '../credentials/credentials.service';
import {
  CustomerGateway,
  EMAIL_TAKEN,
  GatewayCard,
  GatewayCustomer,
  NewGatewayCustomer,
} from './customer-gateway.port';
import { CustomerError } from './customers.errors';
import { CustomersRepository } from './customers.repository';
import { CustomerRow } from './customers.schema';

export interface NewCustomer extends NewGatewayCustomer {
  credentialId?: string;
}

/** The caller, as far as which credentials it may use. */
type Caller = Pick<Principal, 'credentialIds'>;

/** Turns Mercado Pago's "not found" into the error the caller should see; others pass through. */
const whenMissing =
  (replacement: CustomerError) =>
  (error: unknown): never => {
    throw error instanceof GatewayNotFoundError ? replacement : error;
  };

@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly credentials: CredentialsService,
    private readonly gateway: CustomerGateway,
  ) {}

  /**
   * One customer per email and credentials. Known here → that one; known only at Mercado Pago
   * (made by another system, or by a create of ours whose answer was lost) → adopted; else made.
   * `created` is false when the record already existed here.
   */
  async create(
    input: NewCustomer,
    caller: Caller,
  ): Promise<{ customer: CustomerRow; created: boolean }> {
    const credentials = await this.credentials.resolve(input.credentialId, caller);
    const known = await this.customers.findByEmail(credentials.id, input.email);
    if (known) return { customer: known, created: false };

    const id = randomUUID();
    const gateway =
      (await this.gateway.findCustomerByEmail(credentials.accessToken, input.email)) ??
      (await this.createAtMercadoPago(credentials, input, id));
    const { row, created } = await this.customers.insertOrGet({
      id,
      credentialId: credentials.id,
      mercadopagoId: gateway.mercadopagoId,
      email: input.email,
      firstName: gateway.firstName,
      lastName: gateway.lastName,
    });
    return { customer: row, created };
  }

  listByEmail(
    email: string,
    credentialId: string | undefined,
    caller: Caller,
  ): Promise<CustomerRow[]> {
    return this.customers.listByEmail(email, credentialId, caller.credentialIds);
  }

  async addCard(
    customerId: string,
    token: string,
    caller: Caller,
  ): Promise<{ customer: CustomerRow; card: GatewayCard }> {
    const { customer, credentials } = await this.withCredentials(customerId, caller);
    // Same customer and token → same key: the SDK's retries of this call cannot save twice.
    const key = `mps-card-${createHash('sha256').update(`${customer.id}:${token}`).digest('hex').slice(0, 40)}`;
    const card = await this.gateway
      .addCard(credentials.accessToken, customer.mercadopagoId, token, key)
      .catch(whenMissing(CustomerError.goneAtMercadoPago(customer.id)));
    return { customer, card };
  }

  async listCards(
    customerId: string,
    caller: Caller,
  ): Promise<{ customer: CustomerRow; cards: GatewayCard[] }> {
    const { customer, credentials } = await this.withCredentials(customerId, caller);
    const cards = await this.gateway
      .listCards(credentials.accessToken, customer.mercadopagoId)
      .catch(whenMissing(CustomerError.goneAtMercadoPago(customer.id)));
    return { customer, cards };
  }

  async deleteCard(
    customerId: string,
    cardId: string,
    caller: Caller,
  ): Promise<{ customer: CustomerRow; card: GatewayCard }> {
    const { customer, credentials } = await this.withCredentials(customerId, caller);
    const card = await this.gateway
      .deleteCard(
        credentials.accessToken,
        customer.mercadopagoId,
        cardId,
        `mps-card-delete-${customer.id}-${cardId}`,
      )
      .catch(whenMissing(CustomerError.cardNotFound(customer.id, cardId)));
    return { customer, card };
  }

  private async createAtMercadoPago(
    credentials: UsableCredentials,
    input: NewGatewayCustomer,
    id: string,
  ): Promise<GatewayCustomer> {
    const made = await this.gateway.createCustomer(
      credentials.accessToken,
      input,
      `mps-customer-${id}`,
    );
    if (made !== EMAIL_TAKEN) return made;
    // Another request made it between our search and our create: adopt that one.
    const raced = await this.gateway.findCustomerByEmail(credentials.accessToken, input.email);
    if (!raced) throw CustomerError.emailConflict(input.email);
    return raced;
  }

  /** A caller limited to other credentials is told the customer does not exist. */
  private async withCredentials(
    customerId: string,
    caller: Caller,
  ): Promise<{ customer: CustomerRow; credentials: UsableCredentials }> {
    const customer = await this.customers.findById(customerId);
    if (!customer || !mayUseCredentials(caller, customer.credentialId)) {
      throw CustomerError.notFound(customerId);
    }
    return { customer, credentials: await this.credentials.resolve(customer.credentialId) };
  }
}
