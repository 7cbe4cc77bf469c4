import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { CacheInvalidation } from '../cache/cache-invalidation';
import { SharedCache } from '../cache/shared-cache';
import { RequestValidationError } from '../common/errors/domain-error';
import { AmountError, toMinorUnits } from '../common/money';
import { AppConfig } from '../config/app-config';
import {
  CREDENTIALS_TOPIC,
  CredentialsService,
  UsableCredentials,
} from '../credentials/credentials.service';
import { SITE_CURRENCY } from '../credentials/sites';
import { CardBinNotFoundError } from './lookups.errors';
import {
  CardBinInfo,
  IdentificationTypeInfo,
  InstallmentOption,
  LookupsGateway,
  PaymentMethodInfo,
} from './lookups.port';

/** The credentials a lookup was made with, and what Mercado Pago answered for them. */
export interface Lookup<T> {
  credentials: UsableCredentials;
  currency: string;
  result: T;
}

export interface InstallmentsRequest {
  amount: string;
  bin?: string;
  paymentMethodId?: string;
}

/**
 * What a front end shows before tokenizing a card, per credentials (each account has its own
 * site, methods and promotions). Answers are cached per instance for LOOKUPS_CACHE_TTL_SECONDS
 * and follow the credentials' changes: a rotation or deletion empties them on every instance.
 */
@Injectable()
export class LookupsService {
  private readonly paymentMethodsCache: SharedCache<PaymentMethodInfo[]>;
  private readonly identificationTypesCache: SharedCache<IdentificationTypeInfo[]>;
  private readonly installmentsCache: SharedCache<InstallmentOption[]>;
  /** null: Mercado Pago knows no card for the BIN, which is worth remembering too. */
  private readonly cardBinsCache: SharedCache<CardBinInfo | null>;

  constructor(
    private readonly credentials: CredentialsService,
    private readonly gateway: LookupsGateway,
    invalidation: CacheInvalidation,
    config: AppConfig,
  ) {
    const ttl = config.lookupsCache.ttlSeconds;
    this.paymentMethodsCache = invalidation.cache(CREDENTIALS_TOPIC, ttl);
    this.identificationTypesCache = invalidation.cache(CREDENTIALS_TOPIC, ttl);
    this.installmentsCache = invalidation.cache(CREDENTIALS_TOPIC, ttl);
    this.cardBinsCache = invalidation.cache(CREDENTIALS_TOPIC, ttl);
  }

  paymentMethods(credentialId: string, principal: Principal): Promise<Lookup<PaymentMethodInfo[]>> {
    return this.lookup(credentialId, principal, (credentials, currency) =>
      this.cached(this.paymentMethodsCache, credentials.id, () =>
        this.gateway.paymentMethods(credentials.accessToken, currency),
      ),
    );
  }

  identificationTypes(
    credentialId: string,
    principal: Principal,
  ): Promise<Lookup<IdentificationTypeInfo[]>> {
    return this.lookup(credentialId, principal, (credentials) =>
      this.cached(this.identificationTypesCache, credentials.id, () =>
        this.gateway.identificationTypes(credentials.accessToken),
      ),
    );
  }

  installments(
    credentialId: string,
    principal: Principal,
    request: InstallmentsRequest,
  ): Promise<Lookup<InstallmentOption[]>> {
    return this.lookup(credentialId, principal, (credentials, currency) => {
      const amount = amountIn(request.amount, currency);
      const { bin = '', paymentMethodId = '' } = request;
      return this.cached(
        this.installmentsCache,
        `${credentials.id}:${amount}:${bin}:${paymentMethodId}`,
        () => this.gateway.installments(credentials.accessToken, { ...request, amount, currency }),
      );
    });
  }

  async cardBin(
    credentialId: string,
    principal: Principal,
    bin: string,
  ): Promise<Lookup<CardBinInfo>> {
    const found = await this.lookup(credentialId, principal, (credentials, currency) =>
      this.cached(this.cardBinsCache, `${credentials.id}:${bin}`, async () => {
        const info = await this.gateway.cardBin(
          credentials.accessToken,
          bin,
          credentials.siteId,
          currency,
        );
        return info ?? null;
      }),
    );
    if (found.result === null) throw new CardBinNotFoundError(bin, found.credentials.siteId);
    return { ...found, result: found.result };
  }

  /** The same choice of credentials and guard rails as their public key's route. */
  private async lookup<T>(
    credentialId: string,
    principal: Principal,
    load: (credentials: UsableCredentials, currency: string) => Promise<T>,
  ): Promise<Lookup<T>> {
    const credentials = await this.credentials.resolve(
      credentialId === 'default' ? undefined : credentialId,
      principal,
    );
    const currency = SITE_CURRENCY[credentials.siteId];
    return { credentials, currency, result: await load(credentials, currency) };
  }

  private async cached<V>(cache: SharedCache<V>, key: string, load: () => Promise<V>): Promise<V> {
    // load never yields undefined, so neither does the cache.
    return (await cache.get(key, load)) as V;
  }
}

/** The amount in minor units, with the currency's own rule on decimals. */
function amountIn(value: string, currency: string): number {
  try {
    return toMinorUnits(value, currency);
  } catch (error) {
    if (error instanceof AmountError) {
      throw new RequestValidationError([
        { field: 'amount', messages: [`amount ${error.message}`] },
      ]);
    }
    throw error;
  }
}
