import { Global, Module } from '@nestjs/common';
import { CacheInvalidation } from './cache-invalidation';
import { InvalidationNotices } from './invalidation.notices';

/** Per-instance caches of tokens and credentials, invalidated on every instance. */
@Global()
@Module({
  providers: [CacheInvalidation, InvalidationNotices],
  exports: [CacheInvalidation],
})
export class CacheModule {}
