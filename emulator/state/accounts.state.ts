import type { AccountInput } from '../emulator.config';
import { isSiteId, type SiteId } from '../data/sites.data';
import { badRequest } from '../common/mp-error.util';

/** A Mercado Pago application as the emulator knows it: one seller, one credential pair. */
export interface Account {
  access_token: string;
  public_key: string;
  webhook_secret: string;
  site_id: SiteId;
  user_id: number;
  notification_url: string | null;
  send_ipn: boolean;
  /** `TEST-` credentials are sandbox ones; `APP_USR-` ones are production-shaped. */
  live_mode: boolean;
  /** A test user's account (fake money), whatever its credentials' prefix. */
  test_user: boolean;
}

export interface AccountDefaults {
  webhookSecret: string;
  siteId: SiteId;
  notificationUrl: string | null;
}

const TOKEN_PREFIX = /^(TEST|APP_USR)-/;

export class AccountRegistry {
  private readonly byToken = new Map<string, Account>();
  private readonly byKey = new Map<string, Account>();
  private nextUserId = 2_000_000_001;

  /** Registers or replaces an application; replacing is how a webhook secret is rotated. */
  upsert(input: AccountInput, defaults: AccountDefaults): Account {
    if (typeof input.access_token !== 'string' || !TOKEN_PREFIX.test(input.access_token)) {
      throw badRequest(1, 'access_token must start with TEST- or APP_USR-');
    }
    if (typeof input.public_key !== 'string' || !TOKEN_PREFIX.test(input.public_key)) {
      throw badRequest(1, 'public_key must start with TEST- or APP_USR-');
    }
    const siteId = input.site_id ?? defaults.siteId;
    if (!isSiteId(siteId)) throw badRequest(3004, 'Invalid site_id');
    const previous = this.byToken.get(input.access_token);
    if (previous) this.byKey.delete(previous.public_key);
    const account: Account = {
      access_token: input.access_token,
      public_key: input.public_key,
      webhook_secret: input.webhook_secret ?? previous?.webhook_secret ?? defaults.webhookSecret,
      site_id: siteId,
      user_id: input.user_id ?? previous?.user_id ?? this.userIdFromToken(input.access_token),
      notification_url:
        input.notification_url === undefined
          ? (previous?.notification_url ?? defaults.notificationUrl)
          : input.notification_url,
      send_ipn: input.send_ipn ?? previous?.send_ipn ?? false,
      live_mode: input.access_token.startsWith('APP_USR-'),
      test_user: input.test_user ?? previous?.test_user ?? false,
    };
    this.byToken.set(account.access_token, account);
    this.byKey.set(account.public_key, account);
    return account;
  }

  remove(accessToken: string): boolean {
    const account = this.byToken.get(accessToken);
    if (!account) return false;
    this.byToken.delete(accessToken);
    this.byKey.delete(account.public_key);
    return true;
  }

  byAccessToken(token: string): Account | undefined {
    return this.byToken.get(token);
  }

  byPublicKey(key: string): Account | undefined {
    return this.byKey.get(key);
  }

  byUserId(userId: number): Account | undefined {
    for (const account of this.byToken.values()) if (account.user_id === userId) return account;
    return undefined;
  }

  list(): Account[] {
    return [...this.byToken.values()];
  }

  clear(): void {
    this.byToken.clear();
    this.byKey.clear();
  }

  /** Real access tokens end with the seller's user id (`APP_USR-…-2880736`). */
  private userIdFromToken(token: string): number {
    const last = token.slice(token.lastIndexOf('-') + 1);
    return /^\d{1,15}$/.test(last) ? Number(last) : this.nextUserId++;
  }
}
