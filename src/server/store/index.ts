export { memoryStore } from './memory-store.js';
export { redisStore, type RedisClientLike, type RedisStoreOptions } from './redis-store.js';
export type { SharedStore, SlotLimits, SlotReservation } from './shared-store.js';
