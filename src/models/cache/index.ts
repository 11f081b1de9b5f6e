// The cache models: a node's memory (exact LRU, Redis's maxmemory policies,
// Memcached's slabs), TTL, leases, request coalescing, XFetch and write-behind.
export {
  AppCache,
  type AppCacheConfig,
  type AppCacheStats,
  type CachedVersion,
  type CacheNode,
  type CacheNodeStats,
} from "./app-cache.js";
export { CachedRows } from "./cached-rows.js";
export { Coalescer } from "./coalescer.js";
export { type Command, CommandQueue, type CommandQueueStats } from "./command-queue.js";
export { CacheEntry, type CacheStore, RecencyList, type SetOutcome } from "./entry.js";
export { type LeaseGrant, LeaseTable } from "./leases.js";
export { ExactLruStore } from "./lru-store.js";
export {
  MEMCACHED_ITEM_HEADER_BYTES,
  type MemcachedMemoryConfig,
  memcachedItemBytes,
  slabChunkSizes,
} from "./memcached-slabs.js";
export { MemcachedStore } from "./memcached-store.js";
export {
  EVICTION_POOL_SIZE,
  EvictionPool,
  LFU_INIT_VAL,
  lfuDecayed,
  lfuLogIncr,
} from "./redis-eviction.js";
export { type RedisMaxmemoryPolicy, type RedisMemoryConfig, RedisStore } from "./redis-store.js";
export { type TtlConfig, TtlPolicy } from "./ttl.js";
export { WriteBehind, type WriteBehindConfig, type WriteBehindStats } from "./write-behind.js";
export { xfetchShouldRefresh } from "./xfetch.js";
