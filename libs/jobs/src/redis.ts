import { Redis, RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** Fail commands at once while disconnected instead of queueing them (producers, probes). */
  failFast?: boolean;
  /** Send the commands of one event-loop tick in one write (the request path's counters). */
  autoPipelining?: boolean;
}

/** One place that turns REDIS_URL into a connection with the options BullMQ needs. */
export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const base: RedisOptions = {
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  return new Redis(url, base);
}
