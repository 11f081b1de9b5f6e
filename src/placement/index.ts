// Key → node functions shared by cache clusters and sharding. Browser-safe:
// no Node built-ins. Listed by hand, as the public barrel is.

export {
  citusShardIndex,
  citusShardRanges,
  pgHashInt4,
  pgHashInt8,
  pgHashUint32,
} from "./citus.js";
export { jumpHash, jumpHashInt } from "./jump.js";
export { type KetamaMode, KetamaRing, type KetamaServer, ketamaKeyHash } from "./ketama.js";
export { digestWord, keyBytes } from "./key-bytes.js";
export { md5 } from "./md5.js";
export {
  crc16Xmodem,
  REDIS_CLUSTER_SLOTS,
  RedisClusterSlots,
  redisHashSlot,
  redisSlotRanges,
} from "./redis-slots.js";
export { hashMod, intKeyHash, rendezvousHash, rendezvousWeight } from "./rendezvous.js";
export {
  checkKeyRanges,
  type KeyRangePrefix,
  keyRangeIndex,
  parseKeyRange,
  vitessHash,
  vitessHashPrefix,
} from "./vitess.js";
