import { Redis, RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** Fail commands at once while disconnected instead of queueing them (producers, probes). */
  failFast?: boolean;
  /** Send the commands of one event-loop tick in one write (the request path's counters). */
  autoPipelining?: boolean;
  /** Fail a command that has had no answer for this long (a Redis that hangs rather than fails). */
  commandTimeoutMs?: number;
}

/** The longest wait between two reconnection attempts of every connection createRedis makes. */
export const REDIS_RETRY_MAX_MS = 2_000;

/** One place that turns REDIS_URL into a connection with the options BullMQ needs. */
export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const base: RedisOptions = {
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, REDIS_RETRY_MAX_MS),
    enableAutoPipelining: options.autoPipelining ?? false,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
  };
  const redis = new Redis(url, base);
  // While Redis is away ioredis reports each failed reconnection (every 2 s) as an 'error'
  // event, and as an "Unhandled error event" without a listener. Whoever uses the connection
  // sees the outage in its commands and its `status`, and says so once.
  redis.on('error', () => undefined);
  return redis;
}
