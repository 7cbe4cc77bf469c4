import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { CacheGate, SharedCache } from './shared-cache';
import { InvalidationNotices } from './invalidation.notices';

export const INVALIDATION_CHANNEL = 'mp_cache_invalidation';
/** Names the LISTEN connection in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'mp-cache-invalidation';
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * Keeps every instance's caches honest. A change is applied locally at once and, on PostgreSQL,
 * announced with NOTIFY; each instance LISTENs on one dedicated connection outside the pool.
 * While that connection is down, caches are bypassed (every read goes to the database) and
 * emptied, since notices sent meanwhile are lost. Each cache's TTL (AUTH_CACHE_TTL_SECONDS for
 * tokens and credentials) bounds an entry's life whatever happens (e.g. a process that dies between its commit and its NOTIFY).
 * PGlite is one process: local invalidation is all there is to do.
 */
@Injectable()
export class CacheInvalidation implements CacheGate, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CacheInvalidation');
  private readonly caches = new Map<string, SharedCache<unknown>[]>();
  private client?: Client;
  private listening = false;
  private closed = false;
  private reconnectMs = RECONNECT_FIRST_MS;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly notices: InvalidationNotices,
  ) {}

  get active(): boolean {
    return this.config.database.kind === 'pglite' || this.listening;
  }

  /**
   * A cache of `topic`, emptied by `publish(topic, key)` on any instance. Several caches may
   * follow one topic (e.g. what was looked up with some credentials follows their changes).
   */
  cache<V>(topic: string, ttlSeconds = this.config.authCache.ttlSeconds): SharedCache<V> {
    const cache = new SharedCache<V>(this, ttlSeconds * 1000);
    this.caches.set(topic, [...(this.caches.get(topic) ?? []), cache]);
    return cache;
  }

  /** Call after the change committed: drops it here and tells the other instances. */
  async publish(topic: string, key?: string): Promise<void> {
    this.apply(topic, key);
    if (this.config.database.kind !== 'postgres') return;
    try {
      await this.notices.notify(
        INVALIDATION_CHANNEL,
        key === undefined ? topic : `${topic}:${key}`,
      );
    } catch (error) {
      // The change is committed: failing the caller would not undo it. The TTL bounds the rest.
      this.logger.warn(
        `Could not announce a ${topic} change to the other instances (${(error as Error).message}); ` +
          "they see it within the caches' TTLs (AUTH_CACHE_TTL_SECONDS, LOOKUPS_CACHE_TTL_SECONDS)",
      );
    }
  }

  async onModuleInit(): Promise<void> {
    if (this.config.database.kind === 'postgres' && this.all().some((cache) => cache.enabled)) {
      await this.connect();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.listening = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private apply(topic: string, key?: string): void {
    for (const cache of this.caches.get(topic) ?? []) cache.invalidate(key);
  }

  private all(): SharedCache<unknown>[] {
    return [...this.caches.values()].flat();
  }

  private onNotice(payload: string | undefined): void {
    if (!payload) return;
    const colon = payload.indexOf(':');
    if (colon === -1) this.apply(payload);
    else this.apply(payload.slice(0, colon), payload.slice(colon + 1));
  }

  private async connect(): Promise<void> {
    if (this.config.database.kind !== 'postgres') return;
    const client = new Client({
      connectionString: this.config.database.url,
      application_name: LISTENER_APPLICATION_NAME,
    });
    this.client = client;
    client.on('notification', (message) => this.onNotice(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.client !== client) {
      // Shut down while connecting.
      await client.end().catch(() => undefined);
      return;
    }
    this.reconnectMs = RECONNECT_FIRST_MS;
    // Whatever was cached before now was cached while deaf: start clean.
    for (const cache of this.all()) cache.invalidate();
    this.listening = true;
  }

  /** Once per connection (error and end both fire): caches off, then a reconnect with back-off. */
  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    const wasListening = this.listening;
    this.listening = false;
    for (const cache of this.all()) cache.invalidate();
    void client.end().catch(() => undefined);
    if (this.closed) return;
    if (wasListening || error) {
      this.logger.warn(
        `Cache invalidation connection lost${error ? ` (${error.message})` : ''}: caches off ` +
          `until it is back, retrying in ${this.reconnectMs} ms`,
      );
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectMs).unref();
    this.reconnectMs = Math.min(this.reconnectMs * 2, RECONNECT_MAX_MS);
  }
}
